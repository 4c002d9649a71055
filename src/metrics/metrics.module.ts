import { Module } from '@nestjs/common';
import { MetricsController, RatingController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

@Module({ controllers: [MetricsController, RatingController], providers: [MetricsService, MetricsRepository] })
export class MetricsModule {}
