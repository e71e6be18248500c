import { blockSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { blockUser, listBlocks } from '@/server/safety/block-user';

export const GET = apiRoute(async ({ actor }) => ({ blocks: await listBlocks(actor) }));

export const POST = apiRoute(
  async ({ actor, request }) => ({ blocked: await blockUser(actor, parseInput(blockSchema, await readJson(request)).handle) }),
  { status: 201 },
);

export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST');
