import { handleSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { removeGroupMember } from '@/server/groups/remove-group-member';
import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';

export const DELETE = apiRoute<{ roomId: string; handle: string }>(async ({ actor, params }) => {
  await removeGroupMember(actor, params.roomId, parseInput(handleSchema, params.handle));
  return { ok: true };
});

export const { GET, POST, PUT, PATCH } = refuseOtherMethods('DELETE');
