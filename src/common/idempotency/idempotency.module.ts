import { Global, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Clock } from '../clock/clock.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const PURGE_EVERY_MS = 15 * 60_000;

/** Deletes idempotency keys past their retention (IDEMPOTENCY_TTL_HOURS), every 15 minutes. */
@Injectable()
export class IdempotencyPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPurger.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purge().catch((error: unknown) => this.logger.error({ err: error }, 'idempotency key purge failed'));
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  purge(): Promise<number> {
    return this.keys.purgeExpired(this.clock.now());
  }
}

@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyPurger, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
  exports: [IdempotencyRepository, IdempotencyPurger],
})
export class IdempotencyModule {}
