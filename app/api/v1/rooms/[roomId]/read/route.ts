import { readCursorSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson } from '@/server/http/api-route';
import { markRead } from '@/server/receipts/mark-read';

export const POST = apiRoute<{ roomId: string }>(async ({ actor, params, request }) => {
  const { seq } = parseInput(readCursorSchema, await readJson(request));
  return markRead(actor, params.roomId, seq);
});
