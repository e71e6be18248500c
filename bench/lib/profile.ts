// Every size and rate of the suite, from the environment. BENCH_PROFILE=quick shrinks everything for
// development (about two minutes); the default `full` profile is the one the issue asks for.
const quick = process.env.BENCH_PROFILE === 'quick';

const num = (name: string, full: number, small: number) => Number(process.env[name] ?? (quick ? small : full));
const list = (name: string, full: number[], small: number[]) =>
  process.env[name] ? process.env[name]!.split(',').map(Number) : quick ? small : full;

export const profile = {
  name: quick ? 'quick' : 'full',
  /** Which scenarios run, e.g. BENCH_ONLY=a,b,d. */
  only: (process.env.BENCH_ONLY ?? 'a,b,b2,b3,c,d,e,f,g,h,h3,i').split(',').map((letter) => letter.trim()),
  drivers: num('BENCH_DRIVERS', 1, 1),
  pairs: num('BENCH_PAIRS', 1_000, 100),
  groupSize: num('BENCH_GROUP_SIZE', 1_000, 100),
  /** (i): the group also measured at this size, its other members written in from the fixture's other users. */
  bigGroupSize: num('BENCH_BIG_GROUP_SIZE', 10_000, 1_000),
  idleUsers: num('BENCH_IDLE_USERS', 10_000, 1_000),
  /** Offered 1:1 messages/s, climbed until the server stops keeping up. */
  ladder: list('BENCH_LADDER', [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000], [200, 500, 1_000, 2_000]),
  /** Offered group messages/s (each is groupSize − 1 deliveries), with receipts and without. */
  groupLadder: list('BENCH_GROUP_LADDER', [0.5, 1, 2, 5, 10], [1, 2, 5, 10]),
  /** (b3): offered msgs/s in the group of bigGroupSize (each is bigGroupSize − 1 deliveries), with receipts. */
  bigGroupLadder: list('BENCH_BIG_GROUP_LADDER', [0.5, 1, 2], [1, 2]),
  broadcastLadder: list('BENCH_BROADCAST_LADDER', [2, 5, 10, 20, 50, 100], [5, 10, 20, 50, 100]),
  /** (h): offered group msgs/s, above the hybrid threshold for the group (1,000 members: from 3 msg/s). */
  hybridLadder: list('BENCH_HYBRID_LADDER', [3, 10, 30], [30, 50]),
  /** (h3): the same in the group of bigGroupSize, where 1 msg/s is already 10,000 deliveries/s. */
  bigHybridLadder: list('BENCH_BIG_HYBRID_LADDER', [0.5, 1], [1]),
  stepMs: num('BENCH_STEP_MS', 6_000, 4_000),
  /** After the last send of a step: how long deliveries may still arrive before the rest count as lost. */
  drainMs: num('BENCH_DRAIN_MS', 15_000, 10_000),
  /** (d): in-flight sends per sender, climbed until acks/s stops rising. */
  saturationWindows: list('BENCH_SATURATION_WINDOWS', [1, 2, 4, 8, 16, 32, 64], [1, 4]),
  baselineInsertConnections: num('BENCH_INSERT_CONNECTIONS', 4, 4),
  catchUpUsers: num('BENCH_CATCHUP_USERS', 1_000, 100),
  catchUpMessages: num('BENCH_CATCHUP_MESSAGES', 100, 20),
  /** (g): the moderate 1:1 rate, and sign-ins per second in the storm. */
  stormRate: num('BENCH_STORM_MSG_RATE', 500, 200),
  signInsPerSec: num('BENCH_SIGNINS_PER_SEC', 50, 50),
  port: num('BENCH_PORT', 4300, 4300),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay_bench',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6391',
};

export type Profile = typeof profile;
