import { refuseOtherMethods } from '@/server/http/api-route';
import { jsonResponse } from '@/server/http/json-response';

// Liveness: the process is up and serving HTTP. Nothing else is checked (that is /api/ready).
export const GET = async () => jsonResponse({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
