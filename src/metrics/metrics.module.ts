import { Module } from '@nestjs/common';
import { MetricsController, RatingController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';
import { SettledDaysCache } from './settled-days.cache.js';

@Module({ controllers: [MetricsController, RatingController], providers: [MetricsService, MetricsRepository, SettledDaysCache] })
export class MetricsModule {}
