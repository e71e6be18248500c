import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listSessions } from '@/server/sessions/list-sessions';

export const GET = apiRoute(async ({ actor }) => ({ sessions: await listSessions(actor) }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
