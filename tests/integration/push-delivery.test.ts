import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { deliverPush } from '@/server/notifications/deliver-push';
import { PermanentJobError } from '@/server/notifications/job-queue';
import { insertUser, useTestDatabase } from '../helpers/in-process-runtime';
import { startPushService } from '../helpers/push-service';

// A push goes only to the public internet, checked when it is sent: an endpoint saved while its name
// pointed outside our network may point inside it later (DNS rebinding). The tests' local push service
// is on this machine, so it stands in for such an address.
const database = useTestDatabase();
const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:relay@localhost' };
const payload = { title: 'Alice', body: 'hello', roomId: 'room', url: '/', tag: 'room', seq: 1 };

describe('deliverPush', () => {
  it('never connects to an endpoint inside our network, by name or by address, and removes its subscription; allowed, it delivers', async () => {
    const db = database.db;
    const pushService = await startPushService();
    try {
      const bob = await insertUser(db, 'bob');
      database.userIds.push(bob.id);
      const session = await db.deviceSession.create({ data: { userId: bob.id } });
      const subscribe = (device: string, host: string) => {
        const { endpoint, keys } = pushService.device(device);
        return db.pushSubscription.create({
          data: { userId: bob.id, sessionId: session.id, endpoint: endpoint.replace('127.0.0.1', host), p256dh: keys.p256dh, auth: keys.auth },
        });
      };
      // Rebound: the name answered with a public address when the endpoint was saved; now with ours. Only
      // the answers of the look-up are fed in (no name resolves to this machine here but those that say so).
      const rebound = async () => [{ address: '127.0.0.1', family: 4 }];
      for (const host of ['push.rebound.example', 'localhost', '127.0.0.1']) {
        const subscription = await subscribe(host, host);
        await expect(deliverPush(db, vapid, { id: subscription.id, userId: bob.id }, payload, { allowPrivate: false, lookup: rebound })).rejects.toThrow(PermanentJobError);
        expect(await db.pushSubscription.count({ where: { id: subscription.id } })).toBe(0);
      }

      // The sentinel: a push the tests allow reaches the same service, and is the only one it got.
      const allowed = await subscribe('allowed', 'localhost');
      await deliverPush(db, vapid, { id: allowed.id, userId: bob.id }, payload, { allowPrivate: true });
      expect(pushService.received.map((push) => [push.device, push.status])).toEqual([['allowed', 201]]);
      expect(pushService.delivered('allowed')[0]!.payload).toMatchObject(payload);
    } finally {
      await pushService.close();
    }
  });
});
