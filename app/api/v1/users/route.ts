import { signUpSchema, userLookupSchema, userSearchSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, publicRoute, readJson, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { CLIENT_IP_HEADER, clientIpOf, limitAuthAttempt } from '@/server/safety/rate-limits';
import { createUser } from '@/server/users/create-user';
import { namesOf, searchUsers } from '@/server/users/search-users';

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

// GET /api/v1/users?q=ali finds people; GET /api/v1/users?handles=alice,bob names the handles given.
export const GET = apiRoute(async ({ actor, request }) => {
  const params = searchParams(request);
  if (params.handles !== undefined) {
    const { handles } = parseInput(userLookupSchema, { handles: params.handles.split(',').filter(Boolean) });
    return { users: await namesOf(handles) };
  }
  const { q } = parseInput(userSearchSchema, params);
  return { users: await searchUsers(actor, q) };
});

export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST');
