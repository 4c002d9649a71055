import type { Platform } from '../../shops/shop.record.js';

/**
 * The reply compliance rules, as data. Platforms penalise shops whose agents divert buyers off the
 * platform, insult them or refuse obligations, so a reply is checked against these rules before it is sent.
 *
 * Patterns run against a normalised copy of the reply (full-width characters folded to ASCII, invisible
 * format characters removed), so they only need to spell the ASCII form. Patterns carry their own flags:
 * write Latin words with `i` (buyers and agents mix case freely); only case-significant abbreviations
 * such as JD leave it out. The engine adds the global flag itself.
 */

export type GuardSeverity = 'block' | 'warn';

export interface GuardRule {
  /** Stable API id: clients store and filter by it. */
  id: string;
  category: string;
  severity: GuardSeverity;
  /** Shown to the agent: short Chinese, then English. */
  message: string;
  /** For docs/agent-workbench.md and the rules endpoint. */
  description: string;
  /** Platforms the rule applies to; all when absent. */
  platforms?: readonly Platform[];
  /** Fixed patterns, or a builder when what is forbidden depends on the shop's platform. */
  patterns: readonly RegExp[] | ((platform: Platform) => readonly RegExp[]);
  /** Lets through a (normalised) match a pattern cannot rule out by itself, e.g. a link to the platform's own site. */
  isAllowed?: (match: string, platform: Platform) => boolean;
}

/**
 * A Latin word that is not part of a longer word, identifier, domain or e-mail address: "pdd" but not
 * "pdd123" or "x.pdd.com"; "wx" but not the model number "WX-200" or the domain "wx.qq.com".
 */
function latinWord(alternatives: string, flags = 'i'): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_.\\-])(?:${alternatives})(?![A-Za-z0-9_\\-]|\\.[A-Za-z0-9])`, flags);
}

// ---------------------------------------------------------------------------------------------------
// other-platform

type PlatformFamily = 'taobao' | 'pinduoduo' | 'jd' | 'wechatShop' | 'douyin' | 'kuaishou' | 'vipshop' | 'xiaohongshu' | 'xianyu' | 'dewu';

/** How buyers and agents name each shopping platform. Taobao and Tmall are one family: same company, same account. */
export const SHOPPING_PLATFORM_NAMES: Readonly<Record<PlatformFamily, readonly RegExp[]>> = {
  taobao: [/淘宝|天猫/, latinWord('taobao|tmall')],
  pinduoduo: [/拼多多|多多买菜/, latinWord('pdd|pinduoduo')],
  jd: [
    // Not 北京东路/南京东路 (addresses), 京东方 (a display maker) or 京东快递/京东物流 (a courier any shop may use).
    /(?<![北南])京东(?!方|快递|物流|快运)/,
    // Uppercase only: lowercase "jd" is usually part of a code; JD tracking numbers (JDVA…, JD0012…) are one word.
    latinWord('JD(?!快递|物流)', ''),
    latinWord('jingdong'),
  ],
  wechatShop: [/微信小店|视频号小店/],
  douyin: [/抖音|抖店/, latinWord('douyin')],
  // Not 尽快手动/加快手续 ("quickly by hand", "speed up the paperwork"), which contain the same two characters.
  kuaishou: [/(?<![尽赶很更较最太加飞])快手(?![动工续机套术艺写])/, latinWord('kuaishou')],
  vipshop: [/唯品会/],
  xiaohongshu: [/小红书/, latinWord('xiaohongshu')],
  xianyu: [/闲鱼/, latinWord('xianyu')],
  // Not 获得物流/记得物品/值得物超所值, where 得 ends one word and 物 starts the next.
  dewu: [/(?<![获取赢值记懂使所应难舍觉晓显变求])得物(?![流品件资理业质体料价色超美])/, latinWord('dewu')],
};

/** The families a shop may name freely: its own. 'other' shops are not checked by this rule at all. */
export const OWN_PLATFORM_FAMILIES: Readonly<Record<Platform, readonly PlatformFamily[]>> = {
  taobao: ['taobao'],
  tmall: ['taobao'],
  pinduoduo: ['pinduoduo'],
  jd: ['jd'],
  wechat: ['wechatShop'],
  other: [],
};

function otherPlatformNames(platform: Platform): RegExp[] {
  const own = OWN_PLATFORM_FAMILIES[platform];
  return (Object.keys(SHOPPING_PLATFORM_NAMES) as PlatformFamily[])
    .filter((family) => !own.includes(family))
    .flatMap((family) => SHOPPING_PLATFORM_NAMES[family]);
}

// ---------------------------------------------------------------------------------------------------
// off-platform-payment

type PaymentBrand = 'alipay' | 'wechat';

/**
 * The payment brand named on its own ("退款原路退回支付宝"). Harmless on the platform whose own channel it
 * is, a diversion anywhere else.
 */
export const PAYMENT_BRAND_NAMES: Readonly<Record<PaymentBrand, readonly RegExp[]>> = {
  alipay: [/支付宝/, latinWord('alipay')],
  // 微信小店 is a shop platform, reported by other-platform, not a payment channel.
  wechat: [/微信(?!小店)/, latinWord('wechat(?:\\s*pay)?')],
};

/** The payment brands that are the platform's own refund channel. */
export const NATIVE_PAYMENT_BRANDS: Readonly<Record<Platform, readonly PaymentBrand[]>> = {
  taobao: ['alipay'],
  tmall: ['alipay'],
  pinduoduo: [],
  jd: [],
  wechat: ['wechat'],
  other: [],
};

/** Asking for an account, a transfer or a scan: off-platform payment on every platform, including the brand's own. */
const PAYMENT_DIVERSIONS: readonly RegExp[] = [
  // 支付宝账户 is left out: "退回您的支付宝账户" is how Taobao refunds are described.
  /支付宝\s*(?:账号|帐号|号码|号|转账|好友|收款|红包|转给|打给)/,
  // "转到支付宝" but not "退款转到微信零钱", the WeChat shop's own refund route.
  /(?:转|打|汇)(?:账|款)?(?:到|给)?(?:支付宝|我们?的?(?:支付宝|微信))/,
  /加(?:我们?|一下|个)?的?(?:支付宝|微信|qq)/i,
  /微信\s*(?:号|转账|收款|红包|好友|扫码|扫一扫|私聊)/,
  // Spellings used only to slip 微信 past keyword filters (not the "V信" of "TV信号", a TV signal).
  /薇信|威信|徽信|(?<![A-Za-z])[vV]信/,
  latinWord('vx|wx|weixin'),
  latinWord('wechat\\s*(?:id|account|transfer)|add\\s+(?:me\\s+)?on\\s+wechat|alipay\\s+account'),
  /扣扣/,
  latinWord('qq'),
  /银行(?:卡|账户|帐户|账号|帐号)号?|卡号|对公(?:账|帐)(?:户|号)/,
  latinWord('bank\\s*(?:account|card|details)s?'),
  // Not 防伪二维码, the anti-counterfeit code on a tag.
  /收款码|付款码|扫码(?:付款|支付|转账)|(?<!防伪)二维码/,
  latinWord('qr\\s*codes?'),
];

function offPlatformPaymentPatterns(platform: Platform): RegExp[] {
  const native = NATIVE_PAYMENT_BRANDS[platform];
  const foreignBrands = (Object.keys(PAYMENT_BRAND_NAMES) as PaymentBrand[]).filter((brand) => !native.includes(brand));
  return [...PAYMENT_DIVERSIONS, ...foreignBrands.flatMap((brand) => PAYMENT_BRAND_NAMES[brand])];
}

// ---------------------------------------------------------------------------------------------------
// contact-details

/** Digits of a longer identifier (order ids, tracking numbers) must not be read as a phone number. */
const NOT_AFTER_IDENTIFIER = '(?<![A-Za-z0-9]|[A-Za-z0-9]-)';
const NOT_BEFORE_IDENTIFIER = '(?![A-Za-z0-9]|-[A-Za-z0-9])';
/** Buyers and agents group phone digits with spaces or dashes: 138 0013 8000, 138-0013-8000. */
const DIGIT_SEPARATOR = '[\\s-]{0,2}';

const MOBILE_NUMBER = new RegExp(`${NOT_AFTER_IDENTIFIER}(?:\\+?86${DIGIT_SEPARATOR})?1[3-9](?:${DIGIT_SEPARATOR}\\d){9}${NOT_BEFORE_IDENTIFIER}`);
// A landline needs its area code set off ("0571-88886666", "(0571)88886666"); ten bare digits starting with 0 could be anything.
const LANDLINE_NUMBER = new RegExp(`${NOT_AFTER_IDENTIFIER}(?:\\(0\\d{2,3}\\)\\s?|0\\d{2,3}[\\s-])\\d{3,4}[\\s-]?\\d{4}${NOT_BEFORE_IDENTIFIER}`);
const SERVICE_NUMBER = new RegExp(`${NOT_AFTER_IDENTIFIER}[48]00[\\s-]?\\d{3}[\\s-]?\\d{4}${NOT_BEFORE_IDENTIFIER}`);
const WECHAT_ID = '[a-z][-_a-z0-9]{5,19}(?![-_a-z0-9])';
// With an explicit "微信号"/"ID" marker any well-formed id counts.
const MARKED_WECHAT_ID = new RegExp(`(?:微信号|微信\\s*id|wechat\\s*id|(?<![a-z])v信号|(?<![a-z0-9])(?:vx|wx)号)\\s*[:是为]?\\s*${WECHAT_ID}`, 'i');
// After a bare name, only an id containing a digit: "微信 abc123" is an id, "微信 settings" is not.
const BARE_WECHAT_ID = new RegExp(`(?:微信|薇信|威信|(?<![a-z])v信|(?<![a-z0-9])(?:vx|wx|wechat))\\s*[:是为]?\\s*(?=[-_a-z]*\\d)${WECHAT_ID}`, 'i');
const QQ_NUMBER = /(?<![a-z0-9])(?:qq|扣扣)\s*(?:号码?|群)?\s*[:是为]?\s*[1-9]\d{4,10}(?!\d)/i;
const EMAIL_ADDRESS = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;

// ---------------------------------------------------------------------------------------------------
// external-link

/** Domains (and their subdomains) a shop on each platform may link to. */
export const ALLOWED_LINK_DOMAINS: Readonly<Record<Platform, readonly string[]>> = {
  // tb.cn is Taobao's own share-link domain; alipay.com is its payment site.
  taobao: ['taobao.com', 'tmall.com', 'tb.cn', 'alipay.com'],
  tmall: ['taobao.com', 'tmall.com', 'tb.cn', 'alipay.com'],
  pinduoduo: ['pinduoduo.com', 'yangkeduo.com'],
  jd: ['jd.com', '3.cn'],
  wechat: ['weixin.qq.com', 'wx.qq.com'],
  other: [],
};

/** Short links hide where they lead, so they are never allowed. */
export const SHORT_LINK_DOMAINS: readonly string[] = ['t.cn', 'dwz.cn', 'url.cn', 'bit.ly'];

/** Top-level domains a bare "name.tld" must end in; a closed list keeps "v2.0" or "photo.jpg" from reading as links. */
const LINK_TLDS = 'com|cn|net|org|cc|io|me|top|xyz|vip|shop|store|site|online|info|biz|link|ly|app|hk|tw|tv|club|wang|ltd';
/** URL characters stop at whitespace, quotes, brackets and Chinese text or punctuation. */
const URL_CHAR = `[^\\s<>"'()\\[\\]{}\\u3000-\\u9fff.,!?;:]`;
/** Sentence punctuation belongs to the URL only when more URL follows ("a.com/x?y=1" but not the final "." of a sentence). */
const URL_BODY = `(?:${URL_CHAR}|[.,!?;:](?=${URL_CHAR}))+`;

const LINK_PATTERNS: readonly RegExp[] = [
  new RegExp(`(?:https?://|www\\.)${URL_BODY}`, 'i'),
  new RegExp(`(?<![A-Za-z0-9_.@/\\-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${LINK_TLDS})(?![a-z0-9-])(?:[/?#]${URL_BODY})?`, 'i'),
];

function linkHost(link: string): string {
  return link
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .split(/[/?#:]/)[0];
}

function isDomainOrSubdomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function isOwnPlatformLink(link: string, platform: Platform): boolean {
  const host = linkHost(link);
  if (SHORT_LINK_DOMAINS.some((domain) => isDomainOrSubdomain(host, domain))) return false;
  return ALLOWED_LINK_DOMAINS[platform].some((domain) => isDomainOrSubdomain(host, domain));
}

// ---------------------------------------------------------------------------------------------------
// the rules

export const REPLY_GUARD_RULES: readonly GuardRule[] = [
  {
    id: 'other-platform',
    category: 'diversion',
    severity: 'block',
    message: '提及其他购物平台 / Names another shopping platform',
    description:
      'Names of other shopping platforms (Pinduoduo, JD, Taobao/Tmall, Douyin, Kuaishou, Vipshop, Xiaohongshu, Xianyu, Dewu, WeChat shops). A shop may name its own platform family (Taobao and Tmall are one family); shops on "other" platforms are not checked.',
    platforms: ['taobao', 'tmall', 'pinduoduo', 'jd', 'wechat'],
    patterns: otherPlatformNames,
  },
  {
    id: 'off-platform-payment',
    category: 'payment',
    severity: 'block',
    message: '引导站外支付或添加外部账号 / Points to payment or accounts outside the platform',
    description:
      "Alipay, WeChat and QQ accounts, WeChat spelling variants (薇信, V信, vx, wx), bank cards and accounts, payment QR codes. Bare 支付宝/Alipay is allowed on Taobao and Tmall and bare 微信/WeChat Pay on WeChat shops, where they are the platform's own refund channel; asking for an account, a transfer or a friend request is blocked everywhere.",
    patterns: offPlatformPaymentPatterns,
  },
  {
    id: 'contact-details',
    category: 'diversion',
    severity: 'block',
    message: '包含联系方式 / Contains contact details',
    description:
      'Mobile numbers (spaces, dashes and +86 tolerated), landlines, 400/800 numbers, WeChat ids, QQ numbers and e-mail addresses. Digits inside longer identifiers (order ids, tracking numbers) are not phone numbers.',
    patterns: [MOBILE_NUMBER, LANDLINE_NUMBER, SERVICE_NUMBER, MARKED_WECHAT_ID, BARE_WECHAT_ID, QQ_NUMBER, EMAIL_ADDRESS],
  },
  {
    id: 'external-link',
    category: 'diversion',
    severity: 'block',
    message: '包含站外链接 / Contains a link outside the platform',
    description:
      "URLs and bare domains outside the platform's own domains (Taobao/Tmall: taobao.com, tmall.com, tb.cn, alipay.com; Pinduoduo: pinduoduo.com, yangkeduo.com; JD: jd.com, 3.cn; WeChat: weixin.qq.com, wx.qq.com; other: none). Short links (t.cn, dwz.cn, url.cn, bit.ly) are always blocked.",
    patterns: LINK_PATTERNS,
    isAllowed: isOwnPlatformLink,
  },
  {
    id: 'abusive',
    category: 'conduct',
    severity: 'block',
    message: '含有辱骂或不文明用语 / Contains abusive language',
    description:
      'Insults aimed at the buyer in Chinese (傻逼, 滚, 神经病, 脑残, 垃圾买家, 骗子 aimed at the buyer …) and English (idiot, stupid, shut up, f*ck …). Ordinary words that contain the same characters (垃圾袋, 滚筒, 水烧到滚开, 谨防骗子) are not flagged.',
    patterns: [
      /傻[逼比屄叉bBxX]|煞笔|沙比/,
      latinWord('sb'),
      /滚(?:蛋|出去|犊子)|给我滚|滚吧/,
      // Not water "烧到滚开" (come to the boil), common in kettle after-sales.
      /(?<![烧煮水到已经沸])滚开(?![水的了])/,
      // 滚 standing alone as a whole sentence.
      /(?<=^|[\s,.!?。])滚(?=[!?。,.]|$)/,
      /神经病|脑残|白痴|去死|穷鬼|他妈的/,
      /有病吧|你(?:是不是)?有病(?![史症历])/,
      /你(?:是|这)?个?垃圾(?![袋桶箱篓分处站场车])|垃圾(?:买家|客户|玩意)/,
      // Aimed at the buyer only: "谨防骗子" (beware of scammers) is a normal safety reminder.
      /你(?:是|这)?个?(?:大)?骗子|大骗子|骗子(?:买家|客户)/,
      latinWord('idiots?|stupid|morons?|shut\\s+up|stfu|bitch|assholes?'),
      latinWord('f(?:[u*@#]+c?|c)k(?:ing|ed|er|s)?'),
    ],
  },
  {
    id: 'invoice-refusal',
    category: 'obligation',
    severity: 'block',
    message: '拒绝开票或开票加价 / Refuses an invoice or charges extra for it',
    description:
      'Refusing to issue an invoice (没有发票, 不开发票, 开不了发票, no invoice, cannot issue an invoice) or charging extra for one (加税点, 开票加 6 个点, invoices cost extra). Platforms require shops to invoice at the listed price.',
    patterns: [
      // Not the question "有没有发票" or a condition ("如果包裹里没有发票，可以申请补开").
      /(?<!有|(?:如果|若是?|要是|假如)[^,.!?;。]{0,12})没有发票/,
      /不(?:开|提供|给)具?发票/,
      /开不了发?票/,
      /(?:不能|无法|没法|不可以)开具?发?票/,
      /发票(?:要|需要?|得)?另?加(?:税点|点)/,
      /加税点|税点另算/,
      /(?:开票|发票)(?:要|需要?|得)?另?加\s*\d+(?:\.\d+)?\s*(?:个点|点|%)/,
      latinWord('no\\s+invoices?'),
      latinWord(
        "(?:can['’]?t|cannot|can\\s+not|unable\\s+to|won['’]?t|will\\s+not|don['’]?t|do\\s+not)" +
          '\\s+(?:issue|provide|give)\\s+(?:an?\\s+|any\\s+)?invoices?',
      ),
      latinWord('invoices?\\s+(?:costs?|are|is)\\s+extra|extra\\s+(?:charge|fee)\\s+for\\s+(?:an?\\s+)?invoices?'),
    ],
  },
  {
    id: 'out-of-stock',
    category: 'obligation',
    severity: 'block',
    message: '声称缺货 / Says the item is out of stock',
    description:
      'Telling a buyer who has paid that the item is out of stock (缺货, 断货, 没货, 无货, out of stock): platforms treat it as failing to ship and penalise the shop.',
    patterns: [
      // Not "不会缺货" (in stock), the question "有没有货", 货物/货源/货款 (goods, supply, payment)
      // or 无货到付款 (no cash on delivery).
      /(?<![不没]|不会)(?:缺货|断货)|(?:(?<!有)没有?|无)货(?![物品源款单运]|到付)/,
      latinWord('out[\\s-]of[\\s-]stock'),
    ],
  },
  {
    id: 'payment-method-refusal',
    category: 'payment',
    severity: 'block',
    message: '拒绝平台支持的支付方式 / Refuses a payment method the platform supports',
    description:
      'Refusing credit cards, Huabei or instalments, or surcharging credit cards (不支持信用卡, 不能用花呗, 信用卡要加手续费, no credit cards, no installments).',
    patterns: [
      /(?:不支持|不接受|不能用|不可以用|不能使用|无法使用|不收)\s*(?:信用卡|花呗|分期)/,
      /信用卡(?:付款|支付)?(?:要|需要?|得)?另?(?:加|收)\d*%?手续费/,
      latinWord('no\\s+credit\\s+cards?'),
      latinWord("(?:don['’]?t|do\\s+not|can['’]?t|cannot|won['’]?t)\\s+(?:accept|take|support)\\s+credit\\s+cards?"),
      latinWord('no\\s+instal(?:l)?ments?'),
    ],
  },
  {
    id: 'offline-payment',
    category: 'payment',
    severity: 'block',
    message: '引导线下或私下交易 / Asks for an offline or private payment',
    description:
      'Moving the payment outside the platform: 线下付款/转账, 私下交易, 直接转账给我们, pay offline, pay us directly, bank transfer. Cash on delivery is a platform feature and is not flagged.',
    patterns: [
      /线下(?:付款|支付|交易|转账|汇款|打款)/,
      /私下(?:交易|转账|付款|支付|打款)/,
      /直接(?:转账|打款|付款|汇款)给(?:我们|我)/,
      latinWord('pay\\s+(?:us\\s+|me\\s+)?offline|pay\\s+(?:us|me)\\s+directly|pay\\s+directly\\s+to\\s+(?:us|me)'),
      latinWord('(?:bank|wire)\\s+transfers?'),
    ],
  },
  {
    id: 'blunt-refusal',
    category: 'tone',
    severity: 'warn',
    message: '语气生硬，建议说明原因并给出替代方案 / Blunt refusal: give the reason and an alternative',
    description:
      'Flat refusals (不行, 不可以, 不能退, 不给退, 没办法, 不予处理, no way, impossible, we can\'t). Only a warning: the same words can be fine in context ("不行的话").',
    patterns: [/不行|不可以|不能退|不给退|没办法|不予处理/, latinWord("no\\s+way|impossible|we\\s+can['’]?t|we\\s+cannot")],
  },
];
