import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/auth-options';
import { authRoute } from '@/server/http/auth-route';

const handler = authRoute((request, context) => NextAuth(authOptions())(request, context));

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
