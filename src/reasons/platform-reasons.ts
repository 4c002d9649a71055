import type { Platform } from '../shops/shop.record.js';
import { isReasonCode } from './reason-catalog.js';
import type { ReasonCode } from './reason.types.js';

type LabelTable = Readonly<Record<string, ReasonCode>>;

// Keys are the reason texts buyers pick on each platform, as the open APIs hand them back. Platforms
// reword these now and then, so lookup is forgiving (see normaliseLabel) and falls back to the other
// platforms' tables before giving up with `other`.
const TAOBAO: LabelTable = {
  '七天无理由退换货': 'no_reason_7_days',
  '七天无理由退货': 'no_reason_7_days',
  '不想要了': 'no_reason_7_days',
  '不喜欢/效果不好': 'no_reason_7_days',
  '商品质量问题': 'quality_problem',
  '质量问题': 'quality_problem',
  '做工粗糙/有瑕疵': 'quality_problem',
  '商品信息描述不符': 'not_as_described',
  '颜色/尺寸/参数不符': 'not_as_described',
  '材质与商品描述不符': 'not_as_described',
  '包装/商品破损/污渍': 'damaged_in_transit',
  '商品破损': 'damaged_in_transit',
  '发错货': 'wrong_item',
  '卖家发错货': 'wrong_item',
  '少件/漏发': 'missing_parts',
  '空包裹': 'missing_parts',
  '假冒品牌': 'counterfeit',
  '生产日期/保质期描述不符': 'expired_or_spoiled',
  '商品过期': 'expired_or_spoiled',
  '商品变质': 'expired_or_spoiled',
  '多拍/拍错/不想要': 'ordered_wrong',
  '拍错/多拍': 'ordered_wrong',
  '与商家协商一致退款': 'negotiated',
  '协商一致退款': 'negotiated',
  '快递/物流一直未送到': 'not_received',
  '快递/物流无跟踪记录': 'not_received',
  '未收到货': 'not_received',
  '未按约定时间发货': 'logistics_delay',
  '其他': 'other',
};

const PINDUODUO: LabelTable = {
  '七天无理由退货': 'no_reason_7_days',
  '不喜欢、效果不好': 'no_reason_7_days',
  '不想要了': 'no_reason_7_days',
  '商品质量问题': 'quality_problem',
  '质量问题': 'quality_problem',
  '商品与页面描述不符': 'not_as_described',
  '货物破损已拒签': 'damaged_in_transit',
  '商品破损/包装问题': 'damaged_in_transit',
  '发错货': 'wrong_item',
  '商品少件/漏发': 'missing_parts',
  '少件/漏发': 'missing_parts',
  '空包裹': 'missing_parts',
  '假冒品牌': 'counterfeit',
  '假货': 'counterfeit',
  '商品腐烂、变质': 'expired_or_spoiled',
  '坏果/烂果': 'expired_or_spoiled',
  '临期/过期': 'expired_or_spoiled',
  '多拍/错拍/不想要': 'ordered_wrong',
  '拍错/多拍': 'ordered_wrong',
  '与商家协商一致': 'negotiated',
  '快递一直未送达': 'not_received',
  '快递无跟踪记录': 'not_received',
  '未收到货': 'not_received',
  '商家发货慢': 'logistics_delay',
  '未按约定时间发货': 'logistics_delay',
  '其他原因': 'other',
  '其他': 'other',
};

const WECHAT_SHOP: LabelTable = {
  '七天无理由': 'no_reason_7_days',
  '不想要了': 'no_reason_7_days',
  '质量问题': 'quality_problem',
  '商品质量问题': 'quality_problem',
  '商品与描述不符': 'not_as_described',
  '商品破损': 'damaged_in_transit',
  '包装破损': 'damaged_in_transit',
  '发错货': 'wrong_item',
  '少件/漏发': 'missing_parts',
  '少件漏发': 'missing_parts',
  '假冒品牌': 'counterfeit',
  '商品过期/变质': 'expired_or_spoiled',
  '拍错/多拍': 'ordered_wrong',
  '与商家协商一致': 'negotiated',
  '快递一直未送达': 'not_received',
  '未收到货': 'not_received',
  '未按约定时间发货': 'logistics_delay',
  '发货慢': 'logistics_delay',
  '其他': 'other',
};

const JD: LabelTable = {
  '七天无理由退货': 'no_reason_7_days',
  '商品质量问题': 'quality_problem',
  '与商品描述不符': 'not_as_described',
  '商品损坏': 'damaged_in_transit',
  '发错货': 'wrong_item',
  '少件/漏发': 'missing_parts',
  '假冒品牌': 'counterfeit',
  '商品过期': 'expired_or_spoiled',
  '拍错/多拍': 'ordered_wrong',
  '与商家协商一致': 'negotiated',
  '未收到货': 'not_received',
  '未按约定时间发货': 'logistics_delay',
  '其他': 'other',
};

const TABLES_BY_PLATFORM: Readonly<Record<Platform, readonly LabelTable[]>> = {
  taobao: [TAOBAO],
  // Tmall runs on Taobao's after-sales system and shows the same reason texts.
  tmall: [TAOBAO],
  pinduoduo: [PINDUODUO],
  jd: [JD],
  wechat: [WECHAT_SHOP],
  other: [],
};

const ALL_TABLES: readonly LabelTable[] = [TAOBAO, PINDUODUO, WECHAT_SHOP, JD];

// Buyers' apps and APIs mix full-width and half-width punctuation and stray spaces ("少件 / 漏发",
// "少件／漏发"); NFKC folds full-width forms, and separators are made uniform.
function normaliseLabel(label: string): string {
  return label
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[、,，]/g, '、')
    .toLowerCase();
}

function normalisedTable(table: LabelTable): ReadonlyMap<string, ReasonCode> {
  return new Map(Object.entries(table).map(([label, code]) => [normaliseLabel(label), code]));
}

const NORMALISED = new Map<LabelTable, ReadonlyMap<string, ReasonCode>>(ALL_TABLES.map((table) => [table, normalisedTable(table)]));

/**
 * Maps a platform's reason text (or one of our own codes) onto our taxonomy. The platform's own table
 * wins; a text only another platform uses still resolves, since the meaning does not change with the
 * shop; anything unrecognised is `other`, never an error, because intake must not refuse a case over
 * a reworded label.
 */
export function resolveReason(platform: Platform, platformCodeOrLabel: string): ReasonCode {
  const raw = platformCodeOrLabel.trim();
  if (isReasonCode(raw)) {
    return raw;
  }
  const key = normaliseLabel(raw);
  const tables = [...TABLES_BY_PLATFORM[platform], ...ALL_TABLES];
  for (const table of tables) {
    const code = NORMALISED.get(table)?.get(key);
    if (code) {
      return code;
    }
  }
  return 'other';
}

/** The reason texts we recognise for a platform, e.g. for the console's intake preview. */
export function platformReasonLabels(platform: Platform): ReadonlyArray<{ label: string; code: ReasonCode }> {
  return TABLES_BY_PLATFORM[platform].flatMap((table) => Object.entries(table).map(([label, code]) => ({ label, code })));
}
