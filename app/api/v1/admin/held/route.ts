import { moderationQueueQuerySchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listHeld } from '@/server/moderation/held-messages';

export const GET = apiRoute(async ({ actor, request }) => listHeld(actor, parseInput(moderationQueueQuerySchema, searchParams(request)).limit), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
