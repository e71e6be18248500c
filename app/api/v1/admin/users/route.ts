import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { searchUsersAsAdmin } from '@/server/moderation/search-directory';

export const GET = apiRoute(async ({ actor, request }) => ({ users: await searchUsersAsAdmin(actor, (searchParams(request).q ?? '').slice(0, 64)) }), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
