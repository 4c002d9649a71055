import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { ShopsModule } from '../shops/shops.module.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { OrdersController } from './orders.controller.js';

/**
 * Flows that span features, behind the case and order HTTP API: opening a case from the order system (shop
 * policy, reason mapping, distribution), an event with its reply screening or evidence package, an order
 * update handed to its cases, and a case read with its evidence and timeline.
 */
@Module({
  imports: [ShopsModule, CaseEngineModule, EvidenceModule, QueueModule, RepliesModule, AuditModule],
  controllers: [CasesController, OrdersController],
  providers: [CasesService],
})
export class FlowsModule {}
