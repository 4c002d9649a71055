import { Module } from '@nestjs/common';
import { OrdersRepository } from '../orders/orders.repository.js';
import { CaseChangeContributors } from './case-change.js';
import { CaseChangeRepository } from './case-change.repository.js';
import { CaseEngine } from './case-engine.js';
import { CaseRepository } from './case.repository.js';
import { MachineController } from './machine.controller.js';

/**
 * The case engine, the repositories it writes through and the registry of change contributors. Features
 * import this module to record on cases or to contribute rows to every case change; the engine imports none
 * of them.
 */
@Module({
  controllers: [MachineController],
  providers: [CaseEngine, CaseRepository, CaseChangeRepository, CaseChangeContributors, OrdersRepository],
  exports: [CaseEngine, CaseRepository, CaseChangeContributors, OrdersRepository],
})
export class CaseEngineModule {}
