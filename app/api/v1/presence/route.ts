import { presenceQuerySchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { queryPresence } from '@/server/presence/query-presence';

// GET /api/v1/presence?handles=alice,bob
export const GET = apiRoute(async ({ actor, request }) => {
  const handles = (searchParams(request).handles ?? '').split(',').filter(Boolean);
  const input = parseInput(presenceQuerySchema, { handles });
  return { statuses: await queryPresence(actor, input.handles) };
});

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
