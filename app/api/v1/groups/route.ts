import { createGroupSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { createGroup } from '@/server/groups/create-group';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';

export const POST = apiRoute(
  async ({ actor, request }) => ({ room: await createGroup(actor, parseInput(createGroupSchema, await readJson(request))) }),
  { status: 201 },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
