import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { cursorCodec, type CursorValue } from './cursor.js';
import { OptionalField } from './optional-field.js';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @OptionalField()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`nextCursor`).' })
  @OptionalField()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export { PaginationException } from './cursor.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset position: the sort time and id of the last item of the previous page. */
export const keysetCursor = cursorCodec({ at: 'timestamp', id: 'uuid' });
export type KeysetPosition = CursorValue<{ at: 'timestamp'; id: 'uuid' }>;

export function encodeCursor(position: KeysetPosition): string {
  return keysetCursor.encode(position);
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  return keysetCursor.decode(cursor);
}

/** Builds a page from `limit + 1` rows fetched in keyset order. */
export function toPage<R, T>(rows: R[], limit: number, position: (row: R) => KeysetPosition, view: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(view),
    nextCursor: hasMore ? encodeCursor(position(pageRows[pageRows.length - 1])) : null,
  };
}
