import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PLATFORMS = ['taobao', 'tmall', 'pinduoduo', 'jd', 'wechat', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

@Entity({ name: 'shops' })
@Check('shops_platform_check', `platform IN ('taobao', 'tmall', 'pinduoduo', 'jd', 'wechat', 'other')`)
@Check(
  'shops_policy_positive_check',
  `merchant_response_hours > 0 AND buyer_return_shipping_days > 0 AND merchant_receipt_days > 0 AND dispute_evidence_hours > 0 AND buyer_escalation_days > 0`,
)
export class Shop {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('shops_slug_key', { unique: true })
  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  platform: Platform;

  @Column({ type: 'text', default: 'Asia/Shanghai' })
  timezone: string;

  @Column({ name: 'merchant_response_hours', type: 'integer', default: 48 })
  merchantResponseHours: number;

  @Column({ name: 'buyer_return_shipping_days', type: 'integer', default: 7 })
  buyerReturnShippingDays: number;

  @Column({ name: 'merchant_receipt_days', type: 'integer', default: 10 })
  merchantReceiptDays: number;

  @Column({ name: 'dispute_evidence_hours', type: 'integer', default: 48 })
  disputeEvidenceHours: number;

  @Column({ name: 'buyer_escalation_days', type: 'integer', default: 7 })
  buyerEscalationDays: number;

  /** 分流: new cases go to the online agent with the fewest open cases. Off by default. */
  @Column({ name: 'distribution_enabled', type: 'boolean', default: false })
  distributionEnabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
