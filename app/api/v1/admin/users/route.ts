import { adminSearchSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { searchUsersAsAdmin } from '@/server/moderation/search-directory';

export const GET = apiRoute(async ({ actor, request }) => searchUsersAsAdmin(actor, parseInput(adminSearchSchema, searchParams(request)).q), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
