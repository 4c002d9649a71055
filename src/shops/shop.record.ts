export const PLATFORMS = ['taobao', 'tmall', 'pinduoduo', 'jd', 'wechat', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * A shop (tenant) and its after-sales policy, as stored in `shops` (migrations 1795300000000 and
 * 1795350000000: the policy windows are positive, the platform one of PLATFORMS, the slug unique).
 */
export interface Shop {
  id: string;
  slug: string;
  name: string;
  platform: Platform;
  /** IANA time zone for day boundaries; `Asia/Shanghai` unless given. */
  timezone: string;
  merchantResponseHours: number;
  buyerReturnShippingDays: number;
  merchantReceiptDays: number;
  disputeEvidenceHours: number;
  buyerEscalationDays: number;
  /** 分流: new cases go to the online agent with the fewest open cases. Off by default. */
  distributionEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The policy windows, as the columns name them in camelCase. */
export type ShopPolicyFields = Pick<
  Shop,
  'merchantResponseHours' | 'buyerReturnShippingDays' | 'merchantReceiptDays' | 'disputeEvidenceHours' | 'buyerEscalationDays'
>;

/** What a new shop is inserted with; id and timestamps come from the database. */
export type NewShop = Omit<Shop, 'id' | 'createdAt' | 'updatedAt'>;

/** What an edit may change; an absent field stays as it is. */
export type ShopChanges = Partial<Pick<Shop, 'name' | 'timezone' | 'distributionEnabled'> & ShopPolicyFields>;
