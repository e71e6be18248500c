import { changePasswordSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';
import { CLIENT_IP_HEADER, clientIpOf } from '@/server/safety/rate-limits';
import { changePassword } from '@/server/users/change-password';

export const POST = apiRoute(async ({ actor, request }) => {
  const input = parseInput(changePasswordSchema, await readJson(request));
  await changePassword(getRuntime(), actor, input, clientIpOf(request.headers.get(CLIENT_IP_HEADER)));
  return { ok: true };
});

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
