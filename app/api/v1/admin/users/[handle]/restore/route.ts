import { handleSchema, moderationReasonSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { lockUser } from '@/server/moderation/lock-user';

export const POST = apiRoute<{ handle: string }>(async ({ actor, params, request }) => {
  const { reason } = parseInput(moderationReasonSchema, await readJson(request));
  return lockUser(actor, parseInput(handleSchema, params.handle), { kind: 'restore' }, reason);
}, { adminOnly: true });

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
