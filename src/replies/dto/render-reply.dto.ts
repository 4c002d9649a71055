import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length, ValidateBy, ValidateIf } from 'class-validator';

/** Exactly one source for the text: a saved canned reply or a body written for this case. */
export class RenderReplyDto {
  @ApiPropertyOptional({ description: 'A canned reply of the shop' })
  @ValidateIf((dto: RenderReplyDto) => dto.cannedReplyId !== undefined || dto.body === undefined)
  @ValidateBy({
    name: 'exactlyOneReplySource',
    validator: {
      validate: (_value, args) => {
        const dto = args?.object as RenderReplyDto;
        return (dto.cannedReplyId === undefined) !== (dto.body === undefined);
      },
      defaultMessage: () => 'send exactly one of cannedReplyId and body',
    },
  })
  @IsUUID()
  cannedReplyId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 2000, example: '您好，{buyerName}，退款{amount}已提交，请留意到账通知。' })
  @ValidateIf((dto: RenderReplyDto) => dto.body !== undefined)
  @IsString()
  @Length(1, 2000)
  body?: string;
}
