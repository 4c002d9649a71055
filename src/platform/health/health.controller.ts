import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { Allow } from '../auth/access.decorator.js';
import { ApiProblems } from '../openapi/api-problems.js';
import { ApiTag } from '../openapi/api-tags.js';
import { FrameworkProblems } from '../problem/problem-response.js';
import { LivenessView, ReadinessView } from './health.view.js';

@ApiTag('Health')
@Controller('health')
@Allow('public')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'checkLiveness', summary: 'The process is up' })
  @ApiOkResponse({ type: LivenessView, example: { status: 'ok' } })
  live(): LivenessView {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'checkReadiness', summary: 'Ready to serve: the database answers' })
  @ApiOkResponse({ type: ReadinessView, example: { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } } })
  @ApiProblems(FrameworkProblems, 'SERVICE_UNAVAILABLE')
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 3000 })]);
  }
}
