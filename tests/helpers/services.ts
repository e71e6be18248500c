import webpush from 'web-push';
// Where the tests find real Postgres and Redis. scripts/test.mjs creates the database fresh.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_SECRET = 'relay-test-secret-0123456789abcdef';
// Production refuses to start without VAPID keys; a fresh pair per test run.
const vapid = webpush.generateVAPIDKeys();
export const TEST_VAPID = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:tests@relay.invalid' };
