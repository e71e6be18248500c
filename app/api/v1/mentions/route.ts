import { mentionsQuerySchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listMentions } from '@/server/messages/list-mentions';

export const GET = apiRoute(async ({ actor, request }) => listMentions(actor, parseInput(mentionsQuerySchema, searchParams(request))));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
