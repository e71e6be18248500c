import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import type { AppEnv } from '../env';
import { log } from '../ops/logger';

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

const DEV_SUBJECT = 'mailto:relay@localhost';

/**
 * The VAPID keys pushes are signed with. In production all three must be set (every node the same,
 * or browsers reject pushes signed by another node's key); elsewhere a pair is generated once and
 * kept in DATA_DIR, as the dev auth secret is.
 */
export function resolveVapidKeys(env: AppEnv): VapidKeys {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = env;
  const production = env.NODE_ENV === 'production';
  if (publicKey && privateKey && (subject || !production)) return { publicKey, privateKey, subject: subject ?? DEV_SUBJECT };
  if (production || publicKey || privateKey) {
    throw new Error('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (and VAPID_SUBJECT) must be set in production: generate them with `npx web-push generate-vapid-keys`');
  }
  const file = path.join(env.DATA_DIR, 'vapid-keys.json');
  if (existsSync(file)) return { subject: subject ?? DEV_SUBJECT, ...JSON.parse(readFileSync(file, 'utf8')) };
  mkdirSync(env.DATA_DIR, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  log().warn({ file }, 'VAPID keys are not set: generated a pair (set them in production)');
  return { ...keys, subject: subject ?? DEV_SUBJECT };
}
