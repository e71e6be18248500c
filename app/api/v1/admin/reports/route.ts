import { z } from 'zod';
import { moderationQueueQuerySchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listReports } from '@/server/moderation/list-reports';

const querySchema = moderationQueueQuerySchema.extend({ status: z.enum(['open', 'resolved', 'dismissed']).default('open') });

export const GET = apiRoute(
  async ({ actor, request }) => {
    const { status, limit } = parseInput(querySchema, searchParams(request));
    return listReports(actor, status, limit);
  },
  { adminOnly: true },
);

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
