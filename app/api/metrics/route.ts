import { timingSafeEqual } from 'node:crypto';
import { refuseOtherMethods } from '@/server/http/api-route';
import { jsonResponse } from '@/server/http/json-response';
import { metrics } from '@/server/ops/metrics';
import { getRuntime } from '@/server/runtime';

// Compared as bytes: a header byte above 0x7f is one character but two bytes in UTF-8, and
// timingSafeEqual throws on buffers of different lengths (a 500).
const same = (a: string, b: string) => {
  const [given, expected] = [Buffer.from(a), Buffer.from(b)];
  return given.length === expected.length && timingSafeEqual(given, expected);
};

// Prometheus scrape endpoint. Without METRICS_TOKEN it does not exist (404); with it, the scraper
// sends `Authorization: Bearer <METRICS_TOKEN>` or gets 401.
export const GET = async (request: Request) => {
  const { METRICS_TOKEN } = getRuntime().env;
  if (!METRICS_TOKEN) return jsonResponse({ error: { code: 'not_found', message: 'No such API endpoint.' } }, { status: 404 });
  const given = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? '';
  if (!same(given, METRICS_TOKEN)) {
    return jsonResponse({ error: { code: 'unauthorized', message: 'Send the metrics token as a bearer token.' } }, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
};

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
