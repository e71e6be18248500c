import { renameGroupSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { renameGroup } from '@/server/groups/rename-group';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';

export const PATCH = apiRoute<{ roomId: string }>(async ({ actor, params, request }) => {
  const { name } = parseInput(renameGroupSchema, await readJson(request));
  return { room: await renameGroup(getRuntime(), actor, params.roomId, name) };
});

export const { GET, POST, PUT, DELETE } = refuseOtherMethods('PATCH');
