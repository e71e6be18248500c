import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listInvites } from '@/server/groups/group-invites';
import { listRequests } from '@/server/safety/message-requests';

// Group invites are listed with the requests: both wait for the caller's consent.
export const GET = apiRoute(async ({ actor }) => ({ requests: await listRequests(actor), invites: await listInvites(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
