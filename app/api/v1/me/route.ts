import { deleteAccountSchema, updateProfileSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';
import { CLIENT_IP_HEADER, clientIpOf } from '@/server/safety/rate-limits';
import { deleteAccount } from '@/server/users/delete-account';
import { toPublicUser } from '@/server/users/public-user';
import { updateProfile } from '@/server/users/update-profile';

export const GET = apiRoute(async ({ actor }) => ({ user: toPublicUser(actor) }));

export const PATCH = apiRoute(async ({ actor, request }) => ({
  user: await updateProfile(actor, parseInput(updateProfileSchema, await readJson(request))),
}));

export const DELETE = apiRoute(async ({ actor, request }) => {
  const { password } = parseInput(deleteAccountSchema, await readJson(request));
  await deleteAccount(getRuntime(), actor, password, clientIpOf(request.headers.get(CLIENT_IP_HEADER)));
  return { ok: true };
});

export const { POST, PUT } = refuseOtherMethods('GET', 'PATCH', 'DELETE');
