import { addMemberSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { addGroupMember } from '@/server/groups/add-group-member';
import { listGroupUsers } from '@/server/groups/list-group-users';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';

type Params = { roomId: string };

export const GET = apiRoute<Params>(async ({ actor, params }) => ({ users: await listGroupUsers(actor, params.roomId) }));

export const POST = apiRoute<Params>(
  async ({ actor, params, request }) => {
    const { handle } = parseInput(addMemberSchema, await readJson(request));
    return addGroupMember(actor, params.roomId, handle);
  },
  { status: 201 },
);

export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST');
