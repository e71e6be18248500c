import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc readings of another process: what a server spent, measured from outside it.
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in microseconds (10 ms resolution). */
export const cpuMicros = (pid: number) => cpuMicrosOf(`/proc/${pid}/stat`);

/** The same for a process's main thread only: its event loop, without the thread pool and GC helpers. */
export const mainThreadCpuMicros = (pid: number) => cpuMicrosOf(`/proc/${pid}/task/${pid}/stat`);

/** All Postgres processes' CPU time so far, with the children they waited for (backends that ended), in microseconds. */
export function postgresCpuMicros(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuMicrosOf(`/proc/${pid}/stat`, true);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

function cpuMicrosOf(statPath: string, withChildren = false): number {
  // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th,
  // cutime and cstime (children waited for) the 14th and 15th.
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
  return (ticks / TICKS_PER_SECOND) * 1_000_000;
}

/** Bytes a process has handed to write system calls so far, sockets included (`wchar` of /proc/<pid>/io). */
export function bytesWritten(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/io`, 'utf8').match(/^wchar: (\d+)/m)?.[1]);
}

export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) * 1024 : NaN;
}

/** The whole machine's CPU time so far (all cores, in ticks): busy (niced work included) and in all. */
function machineTicks() {
  // The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ...".
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, all: busy + idle + iowait };
}

/**
 * CPU spent by a set of processes while `work` runs, and how busy the whole machine was meanwhile (0–100%
 * of all its cores): the load generator, Postgres and Redis share them, so a step's latency depends on
 * what is left.
 */
export async function measureCpu<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; cpuMicros: number; wallMs: number; machineBusyPct: number }> {
  const before = pids.map(cpuMicros);
  const machineBefore = machineTicks();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  const spent = pids.reduce((sum, pid, index) => sum + cpuMicros(pid) - before[index], 0);
  const machineAfter = machineTicks();
  const machineBusyPct = Math.round((100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.all - machineBefore.all));
  return { result, cpuMicros: spent, wallMs, machineBusyPct };
}
