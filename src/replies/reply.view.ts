import { ApiProperty } from '@nestjs/swagger';
import { CASE_TYPES, type CaseType } from '../cases/machine/case.types.js';
import { ListOf } from '../platform/openapi/api-responses.js';
import { PLATFORMS, type Platform } from '../shops/shop.record.js';
import { REPLY_STEPS, type ReplyStep } from './canned/reply-steps.js';
import { REPLY_VARIABLES, type ReplyVariable } from './canned/reply-template.js';
import type { GuardFinding, GuardRuleSummary } from './guard/reply-guard.js';
import type { GuardSeverity } from './guard/reply-guard.rules.js';

const SEVERITIES: GuardSeverity[] = ['block', 'warn'];

/** One rule violation in a reply; `text.slice(start, end) === match`. */
export class GuardFindingView implements GuardFinding {
  @ApiProperty({ description: 'Stable rule id', example: 'contact-details' })
  rule!: string;

  @ApiProperty({ example: 'off-platform-contact' })
  category!: string;

  @ApiProperty({ enum: SEVERITIES, description: 'block: must not be sent; warn: left to the agent', example: 'block' })
  severity!: GuardSeverity;

  @ApiProperty({ example: '不得引导买家添加站外联系方式 / Do not move the buyer to off-platform contact' })
  message!: string;

  @ApiProperty({ example: '加我微信 wx_kefu01' })
  match!: string;

  @ApiProperty({ description: 'UTF-16 offset of the match in the text', example: 3 })
  start!: number;

  @ApiProperty({ example: 16 })
  end!: number;
}

/** A reply as the guard judges it for one platform. */
export class GuardAssessment {
  @ApiProperty({ enum: PLATFORMS, description: 'The platform whose rules were applied', example: 'taobao' })
  platform!: Platform;

  @ApiProperty({ description: 'At least one blocking finding: the text may not be sent' })
  blocked!: boolean;

  @ApiProperty({ type: [GuardFindingView], description: 'In order of position' })
  findings!: GuardFindingView[];
}

export class GuardRuleView implements GuardRuleSummary {
  @ApiProperty({ example: 'contact-details' })
  id!: string;

  @ApiProperty({ example: 'off-platform-contact' })
  category!: string;

  @ApiProperty({ enum: SEVERITIES, example: 'block' })
  severity!: GuardSeverity;

  @ApiProperty({ example: '不得引导买家添加站外联系方式 / Do not move the buyer to off-platform contact' })
  message!: string;

  @ApiProperty()
  description!: string;
}

export class ReplyRules {
  @ApiProperty({ enum: PLATFORMS, example: 'taobao' })
  platform!: Platform;

  @ApiProperty({ type: [GuardRuleView] })
  rules!: GuardRuleView[];
}

export class RenderedCaseReply {
  @ApiProperty({ example: '您好，小明，退款¥299.00已提交，请留意到账通知。' })
  text!: string;

  @ApiProperty({ enum: REPLY_VARIABLES, isArray: true, description: 'Placeholders the case has no value for yet; they stay in `text` as `{name}`' })
  unresolved!: ReplyVariable[];

  @ApiProperty({ type: [GuardFindingView] })
  findings!: GuardFindingView[];

  @ApiProperty()
  blocked!: boolean;
}

export class CannedReplyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The default this reply started as; null for one the shop wrote',
    example: 'followUp.returnReminder',
  })
  defaultKey!: string | null;

  @ApiProperty({ enum: REPLY_STEPS, example: 'followUp' })
  step!: ReplyStep;

  @ApiProperty({ type: String, enum: CASE_TYPES, nullable: true, description: 'null: fits every case type' })
  caseType!: CaseType | null;

  @ApiProperty({ example: '提醒寄回商品' })
  title!: string;

  @ApiProperty({ example: '您好，{buyerName}，退货申请已同意，请在{deadline}前寄回商品，寄出后在订单里填写快递单号即可。' })
  body!: string;

  @ApiProperty({ type: [String], description: 'The placeholders the body uses', example: ['buyerName', 'deadline'] })
  variables!: string[];
}

export class CannedReplyList extends ListOf(CannedReplyView) {}
