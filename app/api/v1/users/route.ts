import { signUpSchema, userSearchSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, publicRoute, readJson, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { CLIENT_IP_HEADER, clientIpOf, limitAuthAttempt } from '@/server/safety/rate-limits';
import { createUser } from '@/server/users/create-user';
import { searchUsers } from '@/server/users/search-users';

export const POST = publicRoute(
  async (request) => {
    // Per address before anything is read (malformed attempts count). Not per requested handle: asking
    // for a taken handle must not charge the account that has it (a stranger could lock it out).
    await limitAuthAttempt(clientIpOf(request.headers.get(CLIENT_IP_HEADER)));
    const input = parseInput(signUpSchema, await readJson(request));
    return { user: await createUser(input) };
  },
  { status: 201 },
);

export const GET = apiRoute(async ({ actor, request }) => {
  const { q } = parseInput(userSearchSchema, searchParams(request));
  return { users: await searchUsers(actor, q) };
});

export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST');
