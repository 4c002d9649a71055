import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { AgentOpenCasesContributor } from './agent-open-cases.contributor.js';
import { AssignmentService } from './assignment.service.js';
import { QueueCountsController } from './queue-counts.controller.js';
import { QueueCountsRepository } from './queue-counts.repository.js';
import { QueueCountsService } from './queue-counts.service.js';
import { QueueController } from './queue.controller.js';
import { QueueRepository } from './queue.repository.js';
import { QueueService } from './queue.service.js';

@Module({
  imports: [CaseEngineModule],
  controllers: [QueueController, QueueCountsController],
  providers: [AgentOpenCasesContributor, QueueService, AssignmentService, QueueRepository, QueueCountsService, QueueCountsRepository],
  exports: [AssignmentService],
})
export class QueueModule {}
