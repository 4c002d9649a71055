import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT } from '../common/auth/access.decorator.js';
import { PLATFORMS } from '../shops/shop.entity.js';
import { platformReasonLabels } from './platform-reasons.js';
import { listReasons } from './reason-catalog.js';

@ApiTags('reasons')
@Controller('v1/reasons')
@Allow('admin', 'integration', ...ANY_AGENT)
export class ReasonsController {
  @Get()
  @ApiOperation({ summary: 'The reason taxonomy: codes, quality or non-quality, labels, expected evidence, platform texts' })
  list() {
    return {
      reasons: listReasons(),
      platformLabels: Object.fromEntries(PLATFORMS.map((platform) => [platform, platformReasonLabels(platform)])),
    };
  }
}
