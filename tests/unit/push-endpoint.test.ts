import { describe, expect, it } from 'vitest';
import { isPrivateHost, reachesPrivateHost, savePushSubscription } from '@/server/notifications/push-subscriptions';

const hostOf = (url: string) => new URL(url).hostname;

describe('a push endpoint the server will post to', () => {
  it('is never an address inside our own network, however it is written', () => {
    for (const url of [
      'https://127.0.0.1/push',
      'https://2130706433/push',
      'https://0x7f.1/push',
      'https://10.1.2.3/',
      'https://172.20.0.5/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://localhost/',
      'https://api.localhost/',
      'https://metadata.google.internal/',
      'https://printer.local/',
      'https://intranet/',
      'https://localhost./',
      'https://printer.local./',
      // Older, mapped and translated forms of the addresses above, and ranges no push service is in.
      'https://[::127.0.0.1]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://[2002:a9fe:a9fe::]/',
      'https://[2001:0:a9fe:a9fe::1]/',
      'https://[fec0::1]/',
      'https://[ff02::1]/',
      'https://198.18.0.1/',
      'https://192.0.0.1/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
    ]) {
      expect(isPrivateHost(hostOf(url)), url).toBe(true);
    }
    for (const url of ['https://fcm.googleapis.com/fcm/send/x', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/x', 'https://8.8.8.8/', 'https://[2001:4860::8888]/']) {
      expect(isPrivateHost(hostOf(url)), url).toBe(false);
    }
  });

  it('is refused with bad_request before anything is stored, unless PUSH_INSECURE_ENDPOINTS allows a local stand-in', async () => {
    const actor = { userId: 'u', sessionId: 's' } as never;
    const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };
    await expect(savePushSubscription(undefined as never, actor, { endpoint: 'https://169.254.169.254/x', keys }, { allowHttp: false })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'endpoint must be a push service on the public internet.',
    });
  });

  it('is refused when its name resolves to an address inside our network now, unless PUSH_INSECURE_ENDPOINTS allows it', async () => {
    // No name here resolves to a private address through the machine's resolver: the answers stand in for DNS.
    const answers: Record<string, string[]> = {
      'push.rebound.test': ['10.0.0.5'],
      'mixed.rebound.test': ['203.0.113.7', '::1'],
      'mapped.rebound.test': ['::ffff:169.254.169.254'],
      'push.public.test': ['203.0.113.7', '2001:db8::7'],
    };
    const lookup = async (hostname: string) => (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const actor = { userId: 'u', sessionId: 's' } as never;
    const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };
    for (const host of ['push.rebound.test', 'mixed.rebound.test', 'mapped.rebound.test']) {
      await expect(savePushSubscription(undefined as never, actor, { endpoint: `https://${host}/x`, keys }, { allowHttp: false, lookup }), host).rejects.toMatchObject({
        code: 'bad_request',
        message: 'endpoint must be a push service on the public internet.',
      });
    }
    expect(await reachesPrivateHost('push.public.test', lookup)).toBe(false);
    // A name that does not resolve reaches nothing (a push to it fails like any unreachable endpoint).
    expect(await reachesPrivateHost('nowhere.rebound.test', lookup)).toBe(false);
    expect(await reachesPrivateHost('nowhere.rebound.test', () => Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })))).toBe(false);
    // The machine's own resolver: a literal is never looked up.
    expect(await reachesPrivateHost('127.0.0.1')).toBe(true);
    expect(await reachesPrivateHost('[::1]')).toBe(true);
  });
});
