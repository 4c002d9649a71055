import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { TimerSweeper } from './timer-sweeper.js';
import { TimersRepository } from './timers.repository.js';

/** The deadline sweeper: fires due case timers through the engine, on every instance. */
@Module({
  imports: [CaseEngineModule],
  providers: [TimerSweeper, TimersRepository],
  exports: [TimerSweeper],
})
export class TimersModule {}
