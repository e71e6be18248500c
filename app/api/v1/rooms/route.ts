import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listRooms } from '@/server/rooms/list-rooms';

export const GET = apiRoute(async ({ actor }) => ({ rooms: await listRooms(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
