import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { DriverCommands } from '../driver';

// The coordinator's side of a driver process: typed calls over IPC.
export type Driver = {
  pid: number;
  call: <C extends keyof DriverCommands>(command: C, args: Parameters<DriverCommands[C]>[0]) => ReturnType<DriverCommands[C]>;
  stop: () => Promise<void>;
};

const driverPath = path.resolve(import.meta.dirname, '../driver.ts');

export async function startDriver(): Promise<Driver> {
  const child: ChildProcess = fork(driverPath, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`driver exited with ${code}`)));
  });
  child.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter?.reject(new Error(`driver: ${error}`));
    else waiter?.resolve(result);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`driver exited with ${code}`));
    pending.clear();
  });
  return {
    pid: child.pid!,
    call: ((command: string, args: unknown) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, command, args });
      })) as Driver['call'],
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
