import { Module } from '@nestjs/common';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { RepliesModule } from '../replies/replies.module.js';
import { ShopsModule } from '../shops/shops.module.js';
import { TimerSweeper } from '../timers/timer-sweeper.js';
import { CaseEngineModule } from './case-engine.module.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { MachineController } from './machine.controller.js';

@Module({
  imports: [ShopsModule, CaseEngineModule, EvidenceModule, QueueModule, RepliesModule],
  controllers: [CasesController, MachineController],
  providers: [CasesService, TimerSweeper],
  exports: [CaseEngineModule, CasesService, TimerSweeper],
})
export class CasesModule {}
