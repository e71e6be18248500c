import type { Driver } from './drivers';
import type { Fixture, Pair } from './fixture';
import type { Profile } from './profile';

export type Context = { profile: Profile; fixture: Fixture; drivers: Driver[]; results: Record<string, ScenarioResult> };

/** One scenario's outcome, as written to results/latest.json and summarised in latest.md. */
export type ScenarioResult = {
  id: string;
  title: string;
  /** Rows of the Markdown table: a measure, ours, the baseline's, ours/baseline. */
  table: { measure: string; ours: number | string; baseline: number | string; ratio: number | string }[];
  targets: { target: string; met: boolean; detail: string }[];
  /** Failed acks, lost or duplicated messages, refused receipts, dropped sockets: any makes the scenario fail. */
  errors: number;
  details: unknown;
  /** Set by run.ts: when, and under what load average, it ran. */
  measuredAt?: string;
  load?: number[];
};

/** Relay's room id, or the bare baseline's (which names its two members). */
export const roomOf = (pair: Pair, kind: 'relay' | 'bare') => (kind === 'relay' ? pair.roomId : `dm:${pair.a.handle}:${pair.b.handle}`);

/** Whole pairs per driver, so each driver times both ends of the messages it sends. */
export const shard = <T>(items: T[], count: number) => Array.from({ length: count }, (_, index) => items.filter((_, at) => at % count === index));
