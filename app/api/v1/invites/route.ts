import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listInvites } from '@/server/groups/group-invites';

export const GET = apiRoute(async ({ actor }) => ({ invites: await listInvites(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
