import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_TAG } from '../platform/auth/credentials.js';

/** An integration key as listed: never the key itself, only its visible prefix. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid', example: '2c9d4e1f-7a3b-4c5d-8e6f-9a0b1c2d3e4f' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718' })
  shopId!: string;

  @ApiProperty({ example: 'order-system production' })
  name!: string;

  @ApiProperty({ description: 'The key’s visible start, to tell keys apart', example: `${API_KEY_TAG}_1a2b3c4d` })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Recorded at most once a minute' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

/** A key just created: the only answer that carries the key. */
export class CreatedApiKey extends ApiKeyView {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <key>`. Shown in this response only; the service keeps a sha256 of it.',
    example: `${API_KEY_TAG}_1a2b3c4d_Vx3kQ9mZpL2rT8wYb6nC4dF7gH1jK5sA0eU2iO9qWzE`,
  })
  key!: string;
}
