import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { MetricFactsContributor } from './metric-facts.contributor.js';
import { MetricsController, RatingController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';
import { SettledDaysCache } from './settled-days.cache.js';

@Module({
  imports: [CaseEngineModule],
  controllers: [MetricsController, RatingController],
  providers: [MetricFactsContributor, MetricsService, MetricsRepository, SettledDaysCache],
})
export class MetricsModule {}
