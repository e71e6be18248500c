import { writeFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/**
 * A page's CPU profile (CDP Profiler, what DevTools records) over `work`, written to `file` (opens in
 * DevTools' Performance panel); gives the functions with the most self time. Sampling costs the page
 * time of its own, so a profiled run's figures are not comparable with an unprofiled one.
 */
export async function profilePage<T>(session: CDPSession, file: string, work: () => Promise<T>): Promise<{ result: T; top: { name: string; selfMs: number }[] }> {
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  const result = await work();
  const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: Profile };
  writeFileSync(file, JSON.stringify(profile));
  // Self time: each sample's delta goes to the node it landed in, summed per function (all its nodes).
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const top = [...self].map(([name, selfMs]) => ({ name, selfMs })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 15);
  return { result, top };
}
