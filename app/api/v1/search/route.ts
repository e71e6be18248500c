import { searchQuerySchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { searchMessages } from '@/server/messages/search-messages';

export const GET = apiRoute(async ({ actor, request }) => searchMessages(actor, parseInput(searchQuerySchema, searchParams(request))));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
