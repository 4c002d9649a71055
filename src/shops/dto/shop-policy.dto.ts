import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Platform after-sales windows for a shop. Defaults are the common platform rules. The defaults are named in
 * the descriptions, not as OpenAPI `default`: generated clients would make a field with a default required.
 */
export class ShopPolicyDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Hours the merchant has to respond before the platform auto-approves (default 48)',
    minimum: 1,
    maximum: 720,
  })
  @IsInt()
  @Min(1)
  @Max(720)
  merchantResponseHours: number = 48;

  @ApiPropertyOptional({ type: 'integer', description: 'Days the buyer has to ship a return after approval (default 7)', minimum: 1, maximum: 60 })
  @IsInt()
  @Min(1)
  @Max(60)
  buyerReturnShippingDays: number = 7;

  @ApiPropertyOptional({ type: 'integer', description: 'Days the merchant has to confirm receipt of a shipped return (default 10)', minimum: 1, maximum: 60 })
  @IsInt()
  @Min(1)
  @Max(60)
  merchantReceiptDays: number = 10;

  @ApiPropertyOptional({ type: 'integer', description: 'Hours to submit evidence after the platform intervenes (default 48)', minimum: 1, maximum: 720 })
  @IsInt()
  @Min(1)
  @Max(720)
  disputeEvidenceHours: number = 48;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Days the buyer may ask the platform to intervene after a rejection (default 7)',
    minimum: 1,
    maximum: 60,
  })
  @IsInt()
  @Min(1)
  @Max(60)
  buyerEscalationDays: number = 7;
}
