import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listRequests } from '@/server/safety/message-requests';

export const GET = apiRoute(async ({ actor }) => ({ requests: await listRequests(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
