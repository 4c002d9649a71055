import type { Logger } from '@nestjs/common';

export interface PeriodicTaskOptions<T> {
  /**
   * Whether the run that just ended left work behind (say, it filled its batch): then the next run
   * starts at once instead of after the interval. A failed run always waits the interval.
   */
  again?: (result: T) => boolean;
}

/**
 * Background housekeeping that runs every `intervalMs` on every instance: one run at a time, never
 * overlapping, a failed run logged and retried at the next tick, and a shutdown that waits for the run
 * in progress. Work shared between instances is claimed by the task itself (SKIP LOCKED, advisory locks).
 * A task that works through a queue says when to go on at once (`again`) and waits only when idle.
 */
export class PeriodicTask<T = unknown> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<T>,
    private readonly logger: Logger,
    private readonly options: PeriodicTaskOptions<T> = {},
  ) {}

  /** Starts the schedule; the first run comes after `firstDelayMs` (a full interval by default). */
  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.run()
        .then((result) => (this.options.again?.(result) ? 0 : this.intervalMs))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, `${this.what} failed`);
          return this.intervalMs;
        })
        .then((nextDelayMs) => this.schedule(nextDelayMs));
    }, delayMs);
    this.timer.unref();
  }
}
