import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { waitFor } from './wait';

export type ReceivedPush = { device: string; status: number; payload: any; at: number };

/**
 * A local stand-in for a browser's push service. Each device it hands out has its own P-256 key pair
 * and auth secret, made here as a browser makes them; a push to it is decrypted (aes128gcm) with that
 * private key, as only the browser could (`payload`, whatever the answer). A device can be told to answer its next pushes with given
 * statuses (410, 500, …) before it accepts. A push over 4,096 bytes is refused with 413, as real push
 * services refuse it. It listens on a free port of 127.0.0.1 (`url`).
 */
export async function startPushService() {
  const devices = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer; answers: number[] }>();
  const received: ReceivedPush[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const device = decodeURIComponent(request.url!.replace(/^\/push\//, ''));
      const entry = devices.get(device);
      // Push services need take no more than 4,096 bytes (RFC 8030 §7.2); real ones refuse more with 413.
      const body = Buffer.concat(chunks);
      const status = !entry ? 404 : body.length > 4096 ? 413 : (entry.answers.shift() ?? 201);
      // Read whatever the answer: a test can tell which push a refusal went to.
      let payload: unknown = null;
      if (entry && status !== 413) {
        const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: entry.ecdh, authSecret: entry.auth.toString('base64url') });
        payload = JSON.parse(plain.toString('utf8'));
      }
      received.push({ device, status, payload, at: Date.now() });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    received,
    /** Accepted pushes to one device, decrypted. */
    delivered: (device: string) => received.filter((push) => push.device === device && push.status === 201),
    /** A new browser subscription, as PushSubscription.toJSON() gives it. */
    device(name: string) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(name, { ecdh, auth, answers: [] });
      return { endpoint: `${url}/push/${encodeURIComponent(name)}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
    },
    answerNext(device: string, ...statuses: number[]) {
      devices.get(device)!.answers.push(...statuses);
    },
    async waitForDelivered(device: string, count: number, timeoutMs = 15_000) {
      await waitFor(() => received.filter((push) => push.device === device && push.status === 201).length >= count, timeoutMs, `${count} push(es) to ${device}`);
      return received.filter((push) => push.device === device && push.status === 201);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type PushService = Awaited<ReturnType<typeof startPushService>>;
