import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT } from '../platform/auth/access.decorator.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { PLATFORMS } from '../shops/shop.record.js';
import { platformReasonLabels } from './platform-reasons.js';
import { ReasonCatalogView } from './reason-catalog.view.js';
import { listReasons } from './reason-catalog.js';

@ApiTag('Reference')
@Controller('v1/reasons')
@Allow('admin', 'integration', ...ANY_AGENT)
export class ReasonsController {
  @Get()
  @ApiOperation({ operationId: 'listReasons', summary: 'The reason taxonomy: codes, quality or non-quality, labels, expected evidence, platform texts' })
  @ApiOkResponse({ type: ReasonCatalogView })
  list(): ReasonCatalogView {
    return {
      reasons: listReasons(),
      platformLabels: Object.fromEntries(PLATFORMS.map((platform) => [platform, platformReasonLabels(platform)])),
    };
  }
}
