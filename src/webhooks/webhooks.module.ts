import { Module } from '@nestjs/common';
import { Environment } from '../config/environment.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookRetention } from './webhook-retention.js';
import { WebhookTargetPolicy } from './webhook-targets.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDispatcher,
    WebhookRetention,
    { provide: WebhookTargetPolicy, useFactory: (env: Environment) => WebhookTargetPolicy.fromEnvironment(env), inject: [Environment] },
  ],
  exports: [WebhookDispatcher, WebhookRetention],
})
export class WebhooksModule {}
