import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listContacts } from '@/server/rooms/list-contacts';

export const GET = apiRoute(async ({ actor }) => ({ contacts: await listContacts(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
