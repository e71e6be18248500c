import { handleSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { unblockUser } from '@/server/safety/block-user';

export const DELETE = apiRoute<{ handle: string }>(async ({ actor, params }) => {
  await unblockUser(actor, parseInput(handleSchema, params.handle));
  return { ok: true };
});

export const { GET, POST, PUT, PATCH } = refuseOtherMethods('DELETE');
