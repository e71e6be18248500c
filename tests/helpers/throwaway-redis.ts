import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A Redis of our own that a test may kill and start again (never the shared one). Without persistence:
 * a restart loses everything, as a Redis without a disk does.
 */
export function throwawayRedis(port: number) {
  let child: ChildProcess | null = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let log = '';
        started.stdout!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('Ready to accept connections')) resolve();
        });
        started.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${log}`)));
      });
    },
    /** Gone at once, with its data, as in a crash. */
    async kill() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}
