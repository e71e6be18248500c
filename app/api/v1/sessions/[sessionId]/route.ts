import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { endSession } from '@/server/sessions/end-session';

export const DELETE = apiRoute<{ sessionId: string }>(async ({ actor, params }) => {
  await endSession(actor, params.sessionId);
  return { ok: true };
});

export const { GET, POST, PUT, PATCH } = refuseOtherMethods('DELETE');
