type HeaderGetter = (name: string) => string | null | undefined;

/** Where the app is reached: the request's own Host, the configured public URL, and a trusted proxy's forwarded host. */
export type OriginPolicy = { publicUrl?: string; trustProxy?: boolean };

/**
 * True when a browser says the request comes from a page of another origin: its `Sec-Fetch-Site` is
 * `cross-site` or `same-site` (another port or subdomain), or its `Origin` names another host. A request
 * with neither header is a non-browser client (browsers send Origin on every write and on WebSocket
 * handshakes), which cannot ride on a victim's cookie and is let through.
 */
export function isCrossOrigin(header: HeaderGetter, policy: OriginPolicy = {}): boolean {
  const site = header('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = header('origin');
  if (!origin) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a file: page) or garbage: not us.
    return true;
  }
  return !ownHosts(header, policy).has(originHost);
}

function ownHosts(header: HeaderGetter, policy: OriginPolicy): Set<string> {
  const hosts = new Set<string>();
  const host = header('host');
  if (host) hosts.add(host.toLowerCase());
  if (policy.publicUrl) hosts.add(new URL(policy.publicUrl).host.toLowerCase());
  const forwarded = policy.trustProxy ? header('x-forwarded-host') : null;
  if (forwarded) hosts.add(forwarded.split(',')[0].trim().toLowerCase());
  return hosts;
}
