import { Module } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { TimersRepository } from '../timers/timers.repository.js';
import { CaseChangeRepository } from './case-change.repository.js';
import { CaseEngine } from './case-engine.js';
import { CaseRepository } from './case.repository.js';

/** The case engine and the repositories it writes through; features that record on cases import this. */
@Module({
  providers: [CaseEngine, CaseRepository, CaseChangeRepository, OrdersRepository, TimersRepository, AuditRepository],
  exports: [CaseEngine, CaseRepository, OrdersRepository, TimersRepository, AuditRepository],
})
export class CaseEngineModule {}
