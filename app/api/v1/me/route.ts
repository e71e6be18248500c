import { updateProfileSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { toPublicUser } from '@/server/users/public-user';
import { updateProfile } from '@/server/users/update-profile';

export const GET = apiRoute(async ({ actor }) => ({ user: toPublicUser(actor) }));

export const PATCH = apiRoute(async ({ actor, request }) => ({
  user: await updateProfile(actor, parseInput(updateProfileSchema, await readJson(request))),
}));

export const { POST, PUT, DELETE } = refuseOtherMethods('GET', 'PATCH');
