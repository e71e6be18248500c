import { moderationReasonSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { deleteMessage } from '@/server/moderation/delete-message';

// DELETE /api/v1/admin/messages/:id with {reason}
export const DELETE = apiRoute<{ messageId: string }>(async ({ actor, params, request }) => {
  const { reason } = parseInput(moderationReasonSchema, await readJson(request));
  return deleteMessage(actor, params.messageId, reason);
}, { adminOnly: true });

export const { GET, POST, PUT, PATCH } = refuseOtherMethods('DELETE');
