import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';

// The VAPID public key a browser subscribes with (PushManager.subscribe's applicationServerKey).
export const GET = apiRoute(async () => ({ publicKey: getRuntime().notifications.vapid.publicKey }));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
