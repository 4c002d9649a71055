import type { Logger } from '@nestjs/common';

/**
 * Background housekeeping that runs every `intervalMs` on every instance: one run at a time, never
 * overlapping, a failed run logged and retried at the next tick, and a shutdown that waits for the run
 * in progress. Work shared between instances is claimed by the task itself (SKIP LOCKED, advisory locks).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
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
        .catch((error: unknown) => this.logger.error({ err: error }, `${this.what} failed`))
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
