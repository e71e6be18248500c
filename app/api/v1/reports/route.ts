import { reportSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { createReport } from '@/server/safety/create-report';

export const POST = apiRoute(
  async ({ actor, request }) => ({ report: await createReport(actor, parseInput(reportSchema, await readJson(request))) }),
  { status: 201 },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
