import { apiRoute } from '@/server/http/api-route';
import { listSessions } from '@/server/sessions/list-sessions';

export const GET = apiRoute(async ({ actor }) => ({ sessions: await listSessions(actor) }));
