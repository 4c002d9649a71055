import { Module } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { ShopsModule } from '../shops/shops.module.js';
import { TimerSweeper } from '../timers/timer-sweeper.js';
import { TimersRepository } from '../timers/timers.repository.js';
import { CaseChangeRepository } from './case-change.repository.js';
import { CaseEngine } from './case-engine.js';
import { CaseRepository } from './case.repository.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { MachineController } from './machine.controller.js';

@Module({
  imports: [ShopsModule],
  controllers: [CasesController, MachineController],
  providers: [CaseEngine, CasesService, CaseRepository, CaseChangeRepository, OrdersRepository, TimersRepository, AuditRepository, TimerSweeper],
  exports: [CaseEngine, CasesService, CaseRepository, OrdersRepository, TimersRepository, AuditRepository, TimerSweeper],
})
export class CasesModule {}
