import { createECDH, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { log } from './ops/logger';

// The drivers parse these themselves: pg only says "Invalid URL", and ioredis quietly falls back to port 6379.
const VALID_URL = 'must be a valid URL (a numeric port, %-escapes in the user name and password)';

// Every number in the environment is plain decimal digits (a fraction only in rates), nothing else, in
// range: z.coerce.number read PORT=' ' as 0 (a random port) and PORT=0x10 as 16.
const decimal = (pattern: RegExp, message: string, range: (value: z.ZodNumber) => z.ZodNumber) =>
  z.string().regex(pattern, message).transform(Number).pipe(range(z.number()));

// As `npx web-push generate-vapid-keys` makes them: a P-256 public key (65 bytes) and its private key (32).
const VAPID_KEY = 'must be one of a VAPID key pair, base64url, as `npx web-push generate-vapid-keys` makes it';
// Unpadded: web-push refuses a key with '=', and every push would then fail as if the subscription were bad.
const isKey = (key: string, bytes: number) => /^[A-Za-z0-9_-]+$/.test(key) && Buffer.from(key, 'base64url').length === bytes;

/** Whether the private key is the public key's: pushes signed with another would all be refused. */
function vapidPair(publicKey: string, privateKey: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    return ecdh.getPublicKey().equals(Buffer.from(publicKey, 'base64url'));
  } catch {
    return false;
  }
}

/** A whole number from `min` (to `max`). */
function envInt({ min, max = Number.MAX_SAFE_INTEGER }: { min: number; max?: number }) {
  const message = `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`;
  return decimal(/^\d+$/, message, (value) => value.min(min, message).max(max, message));
}

/** A rate (per second or minute): above 0, fractions welcome (0.01 a second). */
const envRate = () => decimal(/^\d+(\.\d+)?$/, 'must be a decimal number above 0', (value) => value.gt(0, 'must be a decimal number above 0'));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: envInt({ min: 0, max: 65535 }).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave it unset for the embedded database)')
    .refine(URL.canParse, VALID_URL)
    .optional(),
  // A database query (or a connection being opened) that gets no answer in this time fails as `unavailable`:
  // a network that stops carrying anything (a partition) says nothing, and requests would wait for minutes.
  DATABASE_QUERY_TIMEOUT_MS: envInt({ min: 100, max: 600_000 }).default(15_000),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL (leave it unset for one node)').refine(URL.canParse, VALID_URL).optional(),
  NEXTAUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  // A crashed node's users go offline about PRESENCE_TTL_MS (+ a third) after its last heartbeat.
  PRESENCE_TTL_MS: envInt({ min: 500, max: 120_000 }).default(45_000),
  // A reconnect within this time (a page reload) is not announced as offline → online.
  PRESENCE_GRACE_MS: envInt({ min: 0, max: 60_000 }).default(5_000),
  // Presence changes are pushed to peers met in a direct conversation or a group of at most this many
  // members; members of bigger groups ask when they look (members² events per connect otherwise).
  PRESENCE_PUSH_MAX_MEMBERS: envInt({ min: 2 }).default(100),
  // Sending: a token bucket per user, shared by all nodes through Redis.
  RATE_SEND_PER_SEC: envRate().default(1),
  RATE_SEND_BURST: envInt({ min: 1 }).default(10),
  // Sign-in and sign-up attempts, per client IP and per account.
  RATE_AUTH_PER_MIN: envRate().default(10),
  RATE_AUTH_BURST: envInt({ min: 1 }).default(10),
  // File uploads, per user across nodes: a message carries up to 10, so a burst of 30 is three full ones.
  RATE_UPLOAD_PER_MIN: envRate().default(60),
  RATE_UPLOAD_BURST: envInt({ min: 1 }).default(30),
  // Chatty socket events: a token bucket per socket and event, this rule for typing and presence:query,
  // 4× for room:read and room:delivered, 10× for room:sync (server/realtime/socket-throttle.ts).
  SOCKET_EVENTS_PER_SEC: envRate().default(5),
  SOCKET_EVENT_BURST: envInt({ min: 1 }).default(30),
  // Sends are stored by group commit in this many lanes (rooms spread by id), each one batch in flight.
  SEND_COMMIT_LANES: envInt({ min: 1, max: 32 }).default(2),
  // Receipts: at most one per reader, room and kind in this window; the latest waits for the window's end.
  RECEIPT_WINDOW_MS: envInt({ min: 0, max: 10_000 }).default(250),
  // In a room of more members than this, a receipt goes only to the senders of the messages it covers.
  RECEIPTS_TO_ALL_MAX_MEMBERS: envInt({ min: 2 }).default(100),
  // Hybrid fan-out: a room whose deliveries per second on a node (audience × messages in the last second)
  // exceed this sends new messages live only to the tabs showing it, room:advanced to the rest. 0 = off.
  // Off unless set: bench scenario (h) measured pushing every message cheaper at 1,000 members (docs/performance.md).
  HYBRID_FANOUT_ABOVE: envInt({ min: 0 }).default(0),
  // Reads whose size grows with a group's members (the room list, a group's users): at most this many built
  // at once on a node, this many more waiting, the rest refused with 503. Unbounded, 3,000 room lists of a
  // 10,000-member group at once ran the node out of heap (docs/performance.md).
  ROSTER_READS_AT_ONCE: envInt({ min: 1 }).default(8),
  ROSTER_READS_MAX_WAITING: envInt({ min: 0 }).default(128),
  // HTTP and WebSocket connections one node holds; more are closed as they arrive. Unset: the process's
  // open-file limit less a reserve for its own files and database connections (server/ops/connection-cap.ts).
  MAX_CONNECTIONS: envInt({ min: 1 }).optional(),
  // Comma-separated words masked (or refused) in messages.
  BANNED_WORDS: z.string().default(''),
  BANNED_WORDS_MODE: z.enum(['mask', 'refuse']).default('mask'),
  // Links from accounts younger than this, or beyond this many per hour, are held for review.
  SPAM_LINK_MIN_ACCOUNT_AGE_MS: envInt({ min: 0 }).default(60 * 60 * 1000),
  SPAM_MAX_LINKS_PER_HOUR: envInt({ min: 1 }).default(20),
  // The link rule applies in groups the sender joined less than this long ago (and to message requests).
  SPAM_LINK_RECENT_JOIN_MS: envInt({ min: 0 }).default(24 * 60 * 60 * 1000),
  // Handles made admins at start (the first admin); see docs/security.md for the CLI.
  RELAY_ADMINS: z.string().default(''),
  // Bearer token for GET /api/metrics (Prometheus); unset, the endpoint answers 404.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // pino level: trace, debug, info, warn, error, fatal (default info; debug in development).
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  // Behind a reverse proxy: take the client IP from X-Forwarded-For.
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('0').transform((value) => value === '1' || value === 'true'),
  // Attachments: the largest upload, and how long an uploaded file may wait to be sent before it is removed.
  ATTACHMENT_MAX_BYTES: envInt({ min: 1 }).default(25 * 1024 * 1024),
  ATTACHMENT_UNSENT_TTL_MS: envInt({ min: 100 }).default(24 * 60 * 60 * 1000),
  // The largest profile picture upload (it is stored as a 256 × 256 WebP whatever it was).
  AVATAR_MAX_BYTES: envInt({ min: 1 }).default(5 * 1024 * 1024),
  // With S3_BUCKET set, attachments go to that S3-compatible bucket instead of DATA_DIR.
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL, e.g. http://minio:9000').refine(URL.canParse, VALID_URL).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false']).default('0').transform((value) => value === '1' || value === 'true'),
  // Web Push (docs/notifications.md): generated into DATA_DIR when unset outside production.
  VAPID_PUBLIC_KEY: z.string().refine((key) => isKey(key, 65) && Buffer.from(key, 'base64url')[0] === 4, VAPID_KEY).optional(),
  VAPID_PRIVATE_KEY: z.string().refine((key) => isKey(key, 32), VAPID_KEY).optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL').optional(),
  // How long a message waits unread before it is pushed (grouped with what follows in that time).
  NOTIFY_DELAY_MS: envInt({ min: 0 }).default(60_000),
  // Tests only: let push endpoints be plain http://, and on this machine or network by address or by name
  // (a local stand-in for the push service). Off, such a subscription is refused (push-subscriptions.ts).
  PUSH_INSECURE_ENDPOINTS: z.enum(['0', '1']).default('0').transform((value) => value === '1'),
});

export type AppEnv = Omit<z.infer<typeof envSchema>, 'NEXTAUTH_SECRET'> & { NEXTAUTH_SECRET: string };

type Source = Record<string, string | undefined>;

// Made up per node outside production, each of these would differ between nodes behind a load balancer:
// a session secret fails every token another node signed, a VAPID key every push another node subscribed.
const PRODUCTION_NEEDS = {
  NEXTAUTH_SECRET: '(the same value on every node), e.g. `openssl rand -base64 32`',
  VAPID_PUBLIC_KEY: '(the same pair on every node): `npx web-push generate-vapid-keys`',
  VAPID_PRIVATE_KEY: '(the same pair on every node): `npx web-push generate-vapid-keys`',
  VAPID_SUBJECT: '(how push services reach you), e.g. `mailto:ops@example.com`',
} as const;

/** Validates the environment once at start; a bad value stops the process with a clear message. */
export function loadEnv(source: Source = process.env): AppEnv {
  const env = parse(envSchema, source);
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY && !vapidPair(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY)) {
    throw new Error('Invalid environment:\n  VAPID_PRIVATE_KEY: is not the private key of VAPID_PUBLIC_KEY (set both from one `npx web-push generate-vapid-keys`)');
  }
  if (env.NODE_ENV === 'production') {
    // All at once: one start tells an operator everything still to set.
    const unset = Object.entries(PRODUCTION_NEEDS).filter(([name]) => !env[name as keyof typeof PRODUCTION_NEEDS]);
    if (unset.length > 0) throw new Error(`Invalid environment:\n${unset.map(([name, why]) => `  ${name}: must be set in production ${why}`).join('\n')}`);
  }
  return { ...env, NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? devSecret(env.DATA_DIR) };
}

/**
 * Only where the database is, for tools that use nothing else (the admin CLI): they neither need a session
 * secret in production nor make one up in DATA_DIR.
 */
export type DatabaseEnv = Pick<AppEnv, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_QUERY_TIMEOUT_MS'>;
export function loadDatabaseEnv(source: Source = process.env): DatabaseEnv {
  return parse(envSchema.pick({ DATABASE_URL: true, DATA_DIR: true, DATABASE_QUERY_TIMEOUT_MS: true }), source);
}

function parse<Schema extends z.ZodType>(schema: Schema, source: Source): z.infer<Schema> {
  const blankAsUnset = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

// Without a configured secret, a random one is kept in the data dir so sessions survive restarts.
function devSecret(dataDir: string): string {
  const file = path.join(dataDir, 'nextauth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  log().warn({ file }, 'NEXTAUTH_SECRET is not set: generated one (set it in production)');
  return secret;
}
