import { resolveReportSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { resolveReport } from '@/server/moderation/resolve-report';

export const PATCH = apiRoute<{ reportId: string }>(async ({ actor, params, request }) => {
  return resolveReport(actor, params.reportId, parseInput(resolveReportSchema, await readJson(request)));
}, { adminOnly: true });

export const { GET, POST, PUT, DELETE } = refuseOtherMethods('PATCH');
