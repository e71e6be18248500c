import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
    uncommittedChanges: git('status', '--porcelain').length > 0,
    load: os.loadavg().map((value) => Math.round(value * 10) / 10),
  };
}

const cell = (value: number | string) => (typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '—') : value);

export function writeResults(profile: Profile, machine: Awaited<ReturnType<typeof describeMachine>>, results: ScenarioResult[], minutes: number) {
  mkdirSync(resultsDir, { recursive: true });
  const { only, ...knobs } = profile;
  writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify({ machine, profile: { ...knobs, only }, minutes, scenarios: results }, null, 2) + '\n');
  const lines = [
    `# Relay benchmark — ${profile.name} profile`,
    '',
    `${machine.date} · commit ${machine.commit}${machine.uncommittedChanges ? ' (with uncommitted changes)' : ''} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ${machine.os} · Node ${machine.node} · Postgres ${machine.postgres} · Redis ${machine.redis} · load at start ${machine.load.join(' ')} · ${minutes} min`,
    '',
    'Ours is Relay; the baseline is named per scenario. Ratio = ours / baseline. Details per step in latest.json.',
  ];
  for (const result of results) {
    lines.push('', `## (${result.id}) ${result.title}${result.errors > 0 ? ' — FAILED: errors' : ''}`, '', '| measure | ours | baseline | ratio |', '| --- | ---: | ---: | ---: |');
    for (const row of result.table) lines.push(`| ${row.measure} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} |`);
    lines.push('', '| target | met | measured |', '| --- | --- | --- |');
    for (const target of result.targets) lines.push(`| ${target.target} | ${target.met ? 'yes' : '**no**'} | ${target.detail} |`);
  }
  writeFileSync(path.join(resultsDir, 'latest.md'), lines.join('\n') + '\n');
}
