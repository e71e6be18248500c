import { z } from 'zod';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listReports } from '@/server/moderation/list-reports';

const querySchema = z.object({ status: z.enum(['open', 'resolved', 'dismissed']).default('open') });

export const GET = apiRoute(
  async ({ actor, request }) => ({ reports: await listReports(actor, parseInput(querySchema, searchParams(request)).status) }),
  { adminOnly: true },
);

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
