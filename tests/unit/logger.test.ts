import { afterEach, describe, expect, it } from 'vitest';
import { log } from '@/server/ops/logger';

const holder = globalThis as typeof globalThis & { __relayLogger?: unknown };
const configured = process.env.LOG_LEVEL;

afterEach(() => {
  delete holder.__relayLogger;
  if (configured === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = configured;
});

describe('the logger', () => {
  it('takes a blank LOG_LEVEL as unset, as loadEnv does (pino threw at the first log line)', () => {
    delete holder.__relayLogger;
    process.env.LOG_LEVEL = '';
    expect(log().level).toBe('info');
  });

  it('can still log the start-up failure that a LOG_LEVEL loadEnv refused causes', () => {
    delete holder.__relayLogger;
    process.env.LOG_LEVEL = 'verbose';
    expect(() => log().fatal('failed to start')).not.toThrow();
  });

  it('uses the level it is given', () => {
    delete holder.__relayLogger;
    process.env.LOG_LEVEL = 'warn';
    expect(log().level).toBe('warn');
  });
});
