import { adminSearchSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { searchRoomsAsAdmin } from '@/server/moderation/search-directory';

export const GET = apiRoute(async ({ actor, request }) => searchRoomsAsAdmin(actor, parseInput(adminSearchSchema, searchParams(request)).q), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
