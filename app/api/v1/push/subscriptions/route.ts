import { pushEndpointSchema, pushSubscriptionSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { deletePushSubscription, savePushSubscription } from '@/server/notifications/push-subscriptions';
import { getRuntime } from '@/server/runtime';

export const POST = apiRoute(
  async ({ actor, request }) => {
    const { db, notifications } = getRuntime();
    await savePushSubscription(db, actor, parseInput(pushSubscriptionSchema, await readJson(request)), { allowHttp: notifications.allowHttpEndpoints });
    return { ok: true };
  },
  { status: 201 },
);

export const DELETE = apiRoute(async ({ actor, request }) => {
  await deletePushSubscription(getRuntime().db, actor, parseInput(pushEndpointSchema, await readJson(request)).endpoint);
  return { ok: true };
});

export const { GET, PUT, PATCH } = refuseOtherMethods('POST', 'DELETE');
