import { handleSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { withdrawInvite } from '@/server/groups/group-invites';
import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';

// DELETE /api/v1/groups/:roomId/invites/:handle: the owner withdraws an invite.
export const DELETE = apiRoute<{ roomId: string; handle: string }>(({ actor, params }) => withdrawInvite(actor, params.roomId, parseInput(handleSchema, params.handle)));

export const { GET, POST, PUT, PATCH } = refuseOtherMethods('DELETE');
