import { Controller, Get, Headers, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Allow, ANY_AGENT, CurrentPrincipal, ShopCaller } from '../platform/auth/access.decorator.js';
import type { Principal, ShopPrincipal } from '../platform/auth/principal.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { StreamHub } from './stream-hub.js';
import { StreamQueryDto } from './stream-query.dto.js';
import { StreamStatsView } from './stream-stats.view.js';

const STREAM_EXAMPLE = [
  'retry: 3000',
  'event: hello',
  'id: MTIzNDUuZmZmZmZmZmYtZmZmZi1mZmZmLWZmZmYtZmZmZmZmZmZmZmZmLjIxNDc0ODM2NDc',
  'data: {"serverTime":"2026-11-20T09:30:00.000Z","cursor":"MTIzNDUuZmZmZmZmZmYtZmZmZi1mZmZmLWZmZmYtZmZmZmZmZmZmZmZmLjIxNDc0ODM2NDc"}',
  '',
  'event: case.changed',
  'id: MTIzNDcuMGI3YzJmMGUtM2I4Zi00YTUzLTlkNTQtMmYxZjFlOWI3YTEwLjI',
  'data: {"caseId":"0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10","version":2,"type":"CONTACT_BUYER","fromState":"open.contact","toState":"open.verify",' +
    '"at":"2026-11-20T09:30:05.000Z","actor":{"kind":"agent","id":"6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"},"assigneeId":"6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"}',
  '',
  ': ping',
  '',
].join('\n');

@ApiTag('Change feed')
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly hub: StreamHub) {}

  @Sse()
  @Allow(...ANY_AGENT)
  @ApiOperation({
    operationId: 'streamCaseChanges',
    summary: 'Live updates for the console: every case change of your shop as server-sent events',
    description:
      'An `EventSource` stream (the session cookie authenticates it; `Authorization: Bearer` works too). Events:\n' +
      '- `hello` first, with `{ serverTime, cursor }` and `retry: 3000`: where the stream starts, and the server time to correct countdowns by;\n' +
      '- `case.changed` per accepted case event, in commit order, with `{ caseId, version, type, fromState, toState, at, actor: { kind, id }, assigneeId }` ' +
      '(`assigneeId`: who holds the case when the event is sent, null when unassigned);\n' +
      '- `reset` with `{ reason: "INVALID_CURSOR", detail, cursor }` right after `hello` when the `Last-Event-ID` cannot be resumed ' +
      '(not a cursor of this stream, or beyond the end of the feed): refetch what you show; the stream continues from now;\n' +
      '- a `: ping` comment every 20 s (STREAM_HEARTBEAT_MS).\n\n' +
      'Every event id is a change-feed cursor (the same as `nextCursor` of GET /v1/changes). On reconnect the browser sends the last one as ' +
      '`Last-Event-ID` and gets exactly the changes after it: none missed, none twice. A change shows once every older transaction has ' +
      'ended, and the instance reads the feed about once a second (STREAM_POLL_INTERVAL_MS). Streams end when the service shuts down; ' +
      'the browser reconnects after `retry`.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received: resume after it (browsers send it when they reconnect)',
  })
  @ApiOkResponse({
    description: 'A `text/event-stream` that stays open',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: STREAM_EXAMPLE } },
  })
  stream(
    @ShopCaller() caller: ShopPrincipal,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query() query: StreamQueryDto,
  ): Observable<MessageEvent> {
    // Synchronous on purpose: Nest ties the disconnect handling to the Observable it gets back.
    return this.hub.subscribe(caller.shopId, lastEventIdHeader ?? query.lastEventId);
  }

  @Get('stats')
  @Allow('admin', 'supervisor')
  @ApiOperation({ operationId: 'getStreamStats', summary: 'Open live-update streams and change-feed readers on the instance that answers' })
  @ApiOkResponse({
    type: StreamStatsView,
    example: { openStreams: 2, readers: 1, shops: [{ shopId: '9a0c7e1d-2b3f-4c5d-8e9f-0a1b2c3d4e5f', subscribers: 2, catchingUp: 0, reads: 118 }] },
  })
  stats(@CurrentPrincipal() principal: Principal): StreamStatsView {
    const stats = this.hub.stats();
    return principal.kind === 'admin' ? stats : { ...stats, shops: stats.shops.filter((shop) => shop.shopId === principal.shopId) };
  }
}
