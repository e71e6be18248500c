import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listAudit } from '@/server/moderation/audit-log';

export const GET = apiRoute(async ({ actor }) => ({ entries: await listAudit(actor) }), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
