import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { Environment } from '../platform/config/environment.js';
import { DeadlineWarningsRepository } from './deadline-warnings.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookOutboxContributor } from './webhook-outbox.contributor.js';
import { WebhookRetention } from './webhook-retention.js';
import { WebhookTargetPolicy } from './webhook-targets.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [CaseEngineModule],
  controllers: [WebhooksController],
  providers: [
    WebhookOutboxContributor,
    WebhooksRepository,
    WebhookDeliveriesRepository,
    DeadlineWarningsRepository,
    WebhooksService,
    WebhookDispatcher,
    WebhookRetention,
    { provide: WebhookTargetPolicy, useFactory: (env: Environment) => WebhookTargetPolicy.fromEnvironment(env), inject: [Environment] },
  ],
  exports: [WebhookDispatcher, WebhookRetention],
})
export class WebhooksModule {}
