import { AppError } from '@/lib/errors';

/**
 * Runs at most `atOnce` tasks at a time; later ones wait their turn in arrival order, and once
 * `maxWaiting` are waiting, new ones are refused (`unavailable`) rather than queued without end.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly atOnce: number,
    private readonly maxWaiting: number,
    private readonly busyMessage = 'The server is busy; try again in a moment.',
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.atOnce) this.running++;
    else if (this.waiting.length >= this.maxWaiting) throw new AppError('unavailable', this.busyMessage);
    // A finishing task hands its slot straight to the next in line, so `running` stays as it is.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get load() {
    return { running: this.running, waiting: this.waiting.length };
  }
}
