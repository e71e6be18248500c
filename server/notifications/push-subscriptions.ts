import { createECDH } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import type { DbClient } from '../db/client-types';
import type { PrismaClient } from '../db/generated/client';

/**
 * Saves the browser's subscription for the caller's device session. An endpoint is one browser
 * profile: if it was subscribed by another session (someone else signed in there before), it moves
 * to this one, so pushes follow whoever is signed in now.
 */
export async function savePushSubscription(
  db: PrismaClient,
  actor: Actor,
  input: { endpoint: string; keys: { p256dh: string; auth: string } },
  options: { allowHttp: boolean; lookup?: LookupAll },
): Promise<void> {
  const url = new URL(input.endpoint);
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    throw new AppError('bad_request', 'endpoint must be an https:// URL.');
  }
  // The server posts to this address: never let a client point it inside our own network.
  if (!options.allowHttp && (await reachesPrivateHost(url.hostname, options.lookup))) {
    throw new AppError('bad_request', 'endpoint must be a push service on the public internet.');
  }
  if (!onTheCurve(input.keys.p256dh)) throw new AppError('bad_request', 'keys.p256dh must be a P-256 public key.');
  const data = { userId: actor.userId, sessionId: actor.sessionId, p256dh: input.keys.p256dh, auth: input.keys.auth };
  await db.pushSubscription.upsert({ where: { endpoint: input.endpoint }, create: { endpoint: input.endpoint, ...data }, update: data });
}

// The schema checks the key's form; only a key agreement tells whether its point lies on the curve.
const probe = createECDH('prime256v1');
probe.generateKeys();
function onTheCurve(p256dh: string): boolean {
  try {
    probe.computeSecret(Buffer.from(p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

/** Removes one of the caller's subscriptions (the browser unsubscribed, or notifications were turned off). */
export async function deletePushSubscription(db: PrismaClient, actor: Actor, endpoint: string): Promise<void> {
  const { count } = await db.pushSubscription.deleteMany({ where: { endpoint, userId: actor.userId } });
  if (count === 0) throw new AppError('not_found', 'No such subscription.');
}

/** A device session ended (signed out, revoked, the user suspended): its subscriptions end with it. */
export async function endSessionSubscriptions(db: DbClient, where: { sessionId: string } | { userId: string }): Promise<void> {
  await db.pushSubscription.deleteMany({ where });
}

// IPv4: this network, private, shared (CGNAT), loopback, link-local, IETF protocol, benchmarking, and
// multicast with everything above it (reserved, broadcast).
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
// IPv6: only global unicast (2000::/3) leaves our network, and of that not 6to4 or Teredo, which carry
// an IPv4 address inside; everything else (::1, ::a.b.c.d, NAT64's 64:ff9b::, unique and site-local, link-local, multicast) stays in.
const GLOBAL_V6 = new BlockList();
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6');
for (const [network, prefix] of [['2002::', 16], ['2001::', 32]] as const) PRIVATE.addSubnet(network, prefix, 'ipv6');
const isPrivateAddress = (host: string, version: number) =>
  version === 4 ? PRIVATE.check(host, 'ipv4') : !GLOBAL_V6.check(host, 'ipv6') || PRIVATE.check(host, 'ipv6');

/** Every address a name resolves to (the system resolver, as the push request itself will use). */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const lookupAll: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * A host inside our network by literal (isPrivateHost) or by any address its name resolves to now. A name
 * that does not resolve reaches nothing and passes. Checked when the endpoint is saved: a name whose answer
 * changes later (DNS rebinding) is not caught here (docs/notifications.md).
 */
export async function reachesPrivateHost(hostname: string, lookup: LookupAll = lookupAll): Promise<boolean> {
  if (isPrivateHost(hostname)) return true;
  if (isIP(bare(hostname))) return false;
  const addresses = await lookup(bare(hostname)).catch(() => []);
  return addresses.some(({ address }) => isPrivateHost(address));
}

// A URL's hostname without IPv6 brackets or the root's trailing dot (localhost. is localhost).
const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

/** Loopback, private and link-local addresses by literal, and names that only mean this machine or network. */
export function isPrivateHost(hostname: string): boolean {
  const host = bare(hostname);
  // IPv4-mapped IPv6 (the URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1) is never a push service.
  if (host.startsWith('::ffff:')) return true;
  const version = isIP(host);
  if (version) return isPrivateAddress(host, version);
  return host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host) || !host.includes('.');
}
