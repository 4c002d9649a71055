import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { AssignmentService } from './assignment.service.js';
import { QueueController } from './queue.controller.js';
import { QueueRepository } from './queue.repository.js';
import { QueueService } from './queue.service.js';

@Module({
  imports: [CaseEngineModule],
  controllers: [QueueController],
  providers: [QueueService, AssignmentService, QueueRepository],
  exports: [AssignmentService],
})
export class QueueModule {}
