import { refuseOtherMethods } from '@/server/http/api-route';
import { jsonResponse } from '@/server/http/json-response';
import { checkReadiness } from '@/server/ops/readiness';
import { getRuntime } from '@/server/runtime';

// Readiness: 200 when the database (migrated) and Redis answer, 503 otherwise, saying which failed.
export const GET = async () => {
  const { db, redis } = getRuntime();
  const readiness = await checkReadiness(db, redis ?? null);
  return jsonResponse({ status: readiness.ready ? 'ready' : 'unavailable', checks: readiness.checks }, { status: readiness.ready ? 200 : 503 });
};

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
