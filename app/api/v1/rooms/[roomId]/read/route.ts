import { readCursorSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { markRead } from '@/server/receipts/mark-read';

export const POST = apiRoute<{ roomId: string }>(async ({ actor, params, request }) => {
  const { seq } = parseInput(readCursorSchema, await readJson(request));
  return markRead(actor, params.roomId, seq);
});

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
