import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { searchRoomsAsAdmin } from '@/server/moderation/search-directory';

export const GET = apiRoute(async ({ actor, request }) => ({ rooms: await searchRoomsAsAdmin(actor, (searchParams(request).q ?? '').slice(0, 64)) }), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
