import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { ScenarioResult } from './context';
import { adminQuery } from './fixture';
import type { Profile } from './profile';

// results/latest.json (everything) and results/latest.md (the short tables), with the machine.
const resultsDir = path.resolve(import.meta.dirname, '../results');

export async function describeMachine(profile: Profile) {
  const postgres = (await adminQuery(profile.databaseUrl, 'SHOW server_version')).rows[0].server_version;
  const redis = new Redis(profile.redisUrl, { lazyConnect: true });
  await redis.connect();
  const redisVersion = (await redis.info('server')).match(/redis_version:(\S+)/)?.[1];
  redis.disconnect();
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    redis: redisVersion,
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short', 'HEAD'),
    // Earlier results waiting to be replaced do not count as changes to the code measured.
    uncommittedChanges: git('status', '--porcelain', '--', '.', ':!bench/results').length > 0,
    load: os.loadavg().map((value) => Math.round(value * 10) / 10),
  };
}

// Not a number is shown as a dash; JSON keeps it as null, which is how a merged earlier result comes back.
const cell = (value: number | string | null) => (typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '—');

/** The scenarios of the last run of this profile, so a partial run can compare with (a) and keep the rest. */
export function previousResults(profile: Profile): ScenarioResult[] {
  const file = path.join(resultsDir, 'latest.json');
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  return previous?.profile?.name === profile.name ? previous.scenarios : [];
}

/**
 * A run of some scenarios (BENCH_ONLY) replaces theirs in latest.json and keeps the others of the same
 * profile, each with the time and load it was measured at.
 */
export function writeResults(profile: Profile, machine: Awaited<ReturnType<typeof describeMachine>>, fresh: ScenarioResult[], minutes: number) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'latest.json');
  const kept = previousResults(profile).filter((old) => !fresh.some((result) => result.id === old.id));
  const results = [...kept, ...fresh].sort((one, other) => one.id.localeCompare(other.id));
  const { only, ...knobs } = profile;
  writeFileSync(file, JSON.stringify({ machine, profile: { ...knobs, only }, minutes, scenarios: results }, null, 2) + '\n');
  const lines = [
    `# Relay benchmark — ${profile.name} profile`,
    '',
    `${machine.date} · commit ${machine.commit}${machine.uncommittedChanges ? ' (with uncommitted changes)' : ''} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ${machine.os} · Node ${machine.node} · Postgres ${machine.postgres} · Redis ${machine.redis} · load at start ${machine.load.join(' ')} · ${minutes} min`,
    '',
    'Ours is Relay; the baseline is named per scenario. Ratio = ours / baseline. Details per step in latest.json.',
  ];
  for (const result of results) {
    lines.push('', `## (${result.id}) ${result.title}${result.errors > 0 ? ' — FAILED: errors' : ''}`, '', `Measured ${result.measuredAt} (load ${result.load?.join(' ')}).`, '', '| measure | ours | baseline | ratio |', '| --- | ---: | ---: | ---: |');
    for (const row of result.table) lines.push(`| ${row.measure} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} |`);
    lines.push('', '| target | met | measured |', '| --- | --- | --- |');
    for (const target of result.targets) lines.push(`| ${target.target} | ${target.met ? 'yes' : '**no**'} | ${target.detail} |`);
  }
  writeFileSync(path.join(resultsDir, 'latest.md'), lines.join('\n') + '\n');
}
