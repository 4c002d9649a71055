import { ApiProperty } from '@nestjs/swagger';
import { ActorView } from '../platform/actor.view.js';
import { PageOf } from '../platform/openapi/api-responses.js';
import type { ChangeRow } from './changes.repository.js';

/** One change of a case: an accepted event (deadlines and order updates included), in commit order. */
export class ChangeView {
  @ApiProperty({ format: 'uuid', example: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' })
  caseId!: string;

  @ApiProperty({ description: 'The case version this change produced; changes of one case come in this order', example: 2 })
  version!: number;

  @ApiProperty({ description: 'The event', example: 'CONTACT_BUYER' })
  type!: string;

  @ApiProperty({ type: String, nullable: true, example: 'open.contact' })
  fromState!: string | null;

  @ApiProperty({ example: 'open.verify' })
  toState!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: ActorView })
  actor!: ActorView;

  @ApiProperty({ example: '3921837712345678' })
  orderId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'TB-RF-20261120-0001' })
  platformCaseId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { note: '已电话联系买家' } })
  payload!: Record<string, unknown>;
}

export class ChangesPage extends PageOf(ChangeView) {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Keep it and pass it back as `cursor`, also after an empty page; null only while the shop has no change at all',
    example: 'MTIzNDUuMGI3YzJmMGUtM2I4Zi00YTUzLTlkNTQtMmYxZjFlOWI3YTEwLjI',
  })
  override nextCursor!: string | null;

  @ApiProperty({ description: 'false: you are up to date; poll again later with nextCursor' })
  hasMore!: boolean;
}

/** One row of the change feed as the API shows it: the feed page and the live stream. */
export function toChange(row: ChangeRow): ChangeView {
  return {
    caseId: row.case_id,
    version: row.seq,
    type: row.type,
    fromState: row.from_state,
    toState: row.to_state,
    at: row.at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id },
    orderId: row.order_id,
    platformCaseId: row.platform_case_id,
    payload: row.payload,
  };
}
