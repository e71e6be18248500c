import { listGroupInvites } from '@/server/groups/group-invites';
import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';

// GET /api/v1/groups/:roomId/invites: the group's open invites (owner only).
export const GET = apiRoute<{ roomId: string }>(async ({ actor, params }) => ({ invites: await listGroupInvites(actor, params.roomId) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
