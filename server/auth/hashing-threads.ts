import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export type HashingJob = { op: 'hash'; password: string; cost: number } | { op: 'verify'; password: string; stored: string };

/**
 * On Linux a thread's nice value is its own, so these threads can run at a low CPU priority while the
 * event loop keeps its own (elsewhere the call would lower the whole process: not done there).
 */
export const HASHING_IS_LOW_PRIORITY = process.platform === 'linux';
/**
 * Against a busy thread of normal priority, a nice-10 thread gets about a tenth of the core: the event
 * loop, Postgres and Redis go first, yet a node kept busy still signs people in (at 19, a thirtieth of
 * that: sign-ins would wait out their clients). Added to the process's own nice value.
 */
export const HASHING_NICE = 10;

// Plain JavaScript evaluated in the thread, so no bundler touches it: it loads the native binding itself.
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
if (workerData.nice) os.setPriority(Math.min(19, os.getPriority() + workerData.nice));
const bcrypt = require(workerData.bcrypt);
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.verifySync(job.password, job.stored);
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  }
});`;

/**
 * Password hashing on threads of its own instead of libuv's pool, at a low CPU priority: hashing takes
 * mostly CPU that the event loop, Postgres and Redis leave idle, so a storm of sign-ins waits for the
 * chats instead of the chats waiting for it. One job per thread at a time; the caller bounds how many
 * run at once (the number of threads follows). A thread that dies fails its job and is not reused.
 */
export class HashingThreads {
  private readonly idle: Worker[] = [];

  run(job: HashingJob): Promise<string | boolean> {
    const worker = this.idle.pop() ?? this.spawn();
    // Held open only while it works: an idle thread does not keep the process alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      const finish = () => {
        worker.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
      };
      const onMessage = (reply: { ok: true; result: string | boolean } | { ok: false; message: string }) => {
        finish();
        worker.unref();
        this.idle.push(worker);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.message));
      };
      const onFailure = (error: unknown) => {
        finish();
        reject(error instanceof Error ? error : new Error(`the hashing thread stopped (${String(error)})`));
      };
      worker.on('message', onMessage).on('error', onFailure).on('exit', onFailure);
      worker.postMessage(job);
    });
  }

  private spawn() {
    // Resolved from the app's root, as the migrations are: the bundled server has no module path of its own.
    const bcrypt = createRequire(path.join(process.cwd(), 'package.json')).resolve('@node-rs/bcrypt');
    const worker = new Worker(THREAD_CODE, { eval: true, name: 'relay-hashing', workerData: { bcrypt, nice: HASHING_IS_LOW_PRIORITY ? HASHING_NICE : 0 } });
    // A thread that stops while idle is dropped, never handed a job it would not answer.
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }
}
