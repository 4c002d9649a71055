import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Allow, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { ChangesPage, toChange } from './change.view.js';
import { ChangesQueryDto } from './changes-query.dto.js';
import { ChangesRepository } from './changes.repository.js';
import { feedCursor } from './feed-cursor.js';

@ApiTag('Change feed')
@Controller('v1/changes')
export class ChangesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: ChangesRepository,
  ) {}

  @Get()
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({
    operationId: 'listChanges',
    summary: 'Every case change of the shop, in commit order, from a cursor: poll it to catch up on missed webhooks',
    description:
      'Start without a cursor; keep the `nextCursor` of every page (also of an empty one) and pass it back. Each change ' +
      '(an accepted case event, including deadlines fired by the service and order updates) appears exactly once, and the ' +
      'changes of one case in their order (`version`). `hasMore: false` means you are up to date; poll again later with the same cursor.',
  })
  @ApiExtraModels(ChangesPage)
  @ApiOkResponse({
    description: 'A page of changes',
    schema: {
      allOf: [{ $ref: getSchemaPath(ChangesPage) }],
      example: {
        items: [
          {
            caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10',
            version: 2,
            type: 'CONTACT_BUYER',
            fromState: 'open.contact',
            toState: 'open.verify',
            at: '2026-11-20T09:30:00.000Z',
            actor: { kind: 'agent', id: '6f1c…' },
            orderId: '3921837712345678',
            platformCaseId: 'TB-RF-20261120-0001',
            payload: { note: '已电话联系买家' },
          },
        ],
        nextCursor: 'MTIzNDUuMGI3YzJmMGUtM2I4Zi00YTUzLTlkNTQtMmYxZjFlOWI3YTEwLjI',
        hasMore: false,
      },
    },
  })
  async list(@ShopCaller() caller: ShopPrincipal, @Query() query: ChangesQueryDto): Promise<ChangesPage> {
    const after = feedCursor.decode(query.cursor);
    const rows = await this.changes.page(this.dataSource.manager, caller.shopId, after, query.limit + 1);
    const hasMore = rows.length > query.limit;
    const page = hasMore ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    const position = last ? { feedKey: last.feed_key, caseId: last.case_id, seq: last.seq } : after;
    return { items: page.map(toChange), nextCursor: position ? feedCursor.encode(position) : null, hasMore };
  }
}
