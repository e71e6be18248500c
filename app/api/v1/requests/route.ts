import { requestListSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listInvites } from '@/server/groups/group-invites';
import { listRequests } from '@/server/safety/message-requests';

// Group invites are listed with the requests: both wait for the caller's consent. `?status=ignored` lists
// the requests the caller ignored instead (an invite is declined, never ignored).
export const GET = apiRoute(async ({ actor, request }) => {
  const { status } = parseInput(requestListSchema, searchParams(request));
  if (status === 'ignored') return { requests: await listRequests(actor, 'ignored') };
  return { requests: await listRequests(actor), invites: await listInvites(actor) };
});

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
