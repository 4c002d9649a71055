import { Global, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Clock } from '../clock/clock.js';
import { PeriodicTask } from '../periodic-task.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const PURGE_EVERY_MS = 15 * 60_000;

/** Deletes idempotency keys past their retention (IDEMPOTENCY_TTL_HOURS), every 15 minutes. */
@Injectable()
export class IdempotencyPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask('idempotency key purge', PURGE_EVERY_MS, () => this.purge(), new Logger(IdempotencyPurger.name));

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  purge(): Promise<number> {
    return this.keys.purgeExpired(this.clock.now());
  }
}

@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyKeys, IdempotencyPurger, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
  exports: [IdempotencyRepository, IdempotencyKeys, IdempotencyPurger],
})
export class IdempotencyModule {}
