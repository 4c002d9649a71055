import type { Platform } from '../../shops/shop.record.js';
import { checkReply, isBlocked, rulesFor, type GuardFinding } from './reply-guard.js';

const ALL_RULE_IDS = [
  'abusive',
  'blunt-refusal',
  'contact-details',
  'external-link',
  'invoice-refusal',
  'off-platform-payment',
  'offline-payment',
  'other-platform',
  'out-of-stock',
  'payment-method-refusal',
];

function ruleIds(findings: readonly GuardFinding[]): string[] {
  return [...new Set(findings.map((finding) => finding.rule))].sort();
}

type Example = [text: string, platform: Platform, expected: string[]];

/** Real after-sales replies: what each must be flagged for, exactly. [] means the reply may be sent as is. */
const EXAMPLES: Example[] = [
  // Clean replies with the numbers after-sales replies are full of.
  ['您好，您的订单 3921837712345678 已为您登记退款，金额 ¥199.00，预计 1-3 个工作日原路退回。', 'taobao', []],
  ['亲，退货请寄顺丰，运单号填写 SF1234567890 即可，我们收到后 24 小时内处理。', 'pinduoduo', []],
  ['您的换货已发出，圆通单号 YT7788123456789，请注意查收。', 'jd', []],
  ['韵达单号 4312345678901，中通单号 75312345678901，请以物流信息为准。', 'tmall', []],
  ['退款 1,299元 已提交，2026-11-24 14:00 前到账。', 'jd', []],
  ['商品已降价 15%，差价 ¥30 已通过小额打款补给您。', 'pinduoduo', []],
  ['订单 261120-5519 的退货地址已更新，请在订单页面查看。', 'wechat', []],
  ['鞋码偏小，建议换 42码，换货运费由我们承担。', 'taobao', []],
  ['订单号３９２１８３７７１２３４５６７８已退款 29900 分，请查收。', 'taobao', []],
  ['您的订单 1839201234567890123 已退款 ¥59.90，客服工作时间 09:00-18:00。', 'other', []],
  ['京东物流单号 JDVA12345678901 已揽收，型号 WX-200 的配件随包裹寄出。', 'taobao', []],
  ['Your refund of ¥199.00 for order 3921837712345678 has been submitted.', 'other', []],
  ['Tracking number SF1234567890 shows the parcel was delivered on 2026-11-24 at 14:00.', 'jd', []],
  ['Sorry for the delay, we have issued a full refund to your original payment method.', 'pinduoduo', []],
  ['Your exchange (size 42) ships by 11/24; the return label number is YT7788123456789.', 'tmall', []],
  ['亲，实在抱歉给您带来不便，已为您补发一件，运费由我们承担。', 'wechat', []],
  ['We are sorry the item arrived damaged; a replacement ships today and the invoice is attached to your order.', 'jd', []],
  ['Thanks for your patience! The refund of ¥89.00 (20% of the price) will arrive within 1-3 business days.', 'taobao', []],
  ['请您拍一下商品破损处和外包装的照片，我们核实后 2 小时内给您答复。', 'pinduoduo', []],
  ['退款金额 ¥1,234.56 已于 11月24日 14:00 原路退回，感谢您的耐心等待。', 'jd', []],
  ['包裹重 1.38kg，尺寸 138×90×80mm，已按 2026.11.24 的批次补发。', 'taobao', []],
  ['收件人：张先生 138****8000，退货时请在包裹内附上订单号后四位 5678。', 'other', []],
  // Clean replies whose words contain a flagged word.
  ['请把商品装回原包装，垃圾袋等赠品不用寄回。', 'taobao', []],
  ['滚筒洗衣机的排水管在包裹侧面，请您查收。', 'jd', []],
  ['水壶烧到滚开后自动断电是正常现象，请放心使用。', 'tmall', []],
  ['温馨提示：请谨防冒充客服的骗子，官方客服不会索要验证码。', 'taobao', []],
  ['您可以获得物流赔付，我们会尽快手动为您处理。', 'pinduoduo', []],
  ['退货地址：上海市黄浦区南京东路 100 号 售后部收。', 'pinduoduo', []],
  ['我们用京东快递发货，预计明天送达。', 'taobao', []],
  ['请问您有没有发票呢？如果包裹里没有发票，可以在订单详情申请补开。', 'jd', []],
  ['发票会在确认收货后 48 小时内开具，电子发票发送到订单页面。', 'tmall', []],
  ['您好，这款有现货，不会缺货的，今天下单明天发出。', 'pinduoduo', []],
  ['物流显示没有货物信息，可能是快递还没揽收，请稍等。', 'jd', []],
  ['支持信用卡和花呗分期付款，请放心下单。', 'tmall', []],
  ['吊牌上的防伪二维码可以验证真伪。', 'taobao', []],
  // The same words, clean on one platform and flagged on another.
  ['退款已原路退回您的支付宝账户，请注意查收。', 'taobao', []],
  ['退款已原路退回您的支付宝账户，请注意查收。', 'pinduoduo', ['off-platform-payment']],
  ['您可以在微信里打开订单页面查看物流。', 'wechat', []],
  ['您可以在微信里打开订单页面查看物流。', 'jd', ['off-platform-payment']],
  ['淘宝这边已经为您处理好了退款。', 'tmall', []],
  ['淘宝这边已经为您处理好了退款。', 'pinduoduo', ['other-platform']],
  ['我们的微信小店也在做活动。', 'wechat', []],
  ['我们的微信小店也在做活动。', 'taobao', ['other-platform']],
  ['订单详情请在 https://item.taobao.com/item.htm?id=123 查看。', 'taobao', []],
  ['订单详情请在 https://item.taobao.com/item.htm?id=123 查看。', 'pinduoduo', ['external-link']],
  ['商品页面在 jd.com 上可以查看。', 'jd', []],
  ['商品页面在 jd.com 上可以查看。', 'taobao', ['external-link']],
  ['拼多多那边也有同款。', 'other', []],
  ['拼多多那边也有同款。', 'jd', ['other-platform']],
  // Violations.
  ['亲，拼多多上更便宜，您可以去那边买。', 'taobao', ['other-platform']],
  ['JD 上同款已经下架了，这边给您补差价。', 'taobao', ['other-platform']],
  ['这款在抖音直播间也有卖。', 'jd', ['other-platform']],
  ['You can also find it on Taobao.', 'pinduoduo', ['other-platform']],
  ['请提供您的支付宝账号，我们给您退差价。', 'taobao', ['off-platform-payment']],
  ['扫码付款即可，收款码已经发您了。', 'pinduoduo', ['off-platform-payment']],
  ['银行卡号发我一下，财务给您打款。', 'jd', ['off-platform-payment']],
  ['Please send us your bank account details.', 'other', ['off-platform-payment']],
  ['我们的电话是 138-0013-8000，有问题随时打。', 'taobao', ['contact-details']],
  ['手机：１３８００１３８０００', 'tmall', ['contact-details']],
  ['您可以拨打 0571-88886666 或 400-820-1234 联系我们。', 'jd', ['contact-details']],
  ['有问题发邮件到 service@example.com 就好。', 'taobao', ['contact-details']],
  ['加我微信 wx_abc123 给您退差价。', 'wechat', ['contact-details', 'off-platform-payment']],
  ['加扣扣 123456789 发图片给我。', 'jd', ['contact-details', 'off-platform-payment']],
  ['补偿领取：https://bit.ly/abc123', 'taobao', ['external-link']],
  ['打开 t.cn/A6abcd 领取补偿。', 'tmall', ['external-link']],
  ['你是不是有病，给我滚。', 'taobao', ['abusive']],
  ['你SB吧，自己看说明书。', 'pinduoduo', ['abusive']],
  ['你这垃圾买家，别再来了。', 'jd', ['abusive']],
  ['Shut up and read the manual, idiot.', 'other', ['abusive']],
  ['不好意思，我们不开发票。', 'taobao', ['invoice-refusal']],
  ['开票要加 6 个点，不开的话原价。', 'tmall', ['invoice-refusal']],
  ['Sorry, invoices cost extra.', 'jd', ['invoice-refusal']],
  ['这款目前缺货，暂时没有货了。', 'taobao', ['out-of-stock']],
  ['Sorry, this item is out of stock.', 'jd', ['out-of-stock']],
  ['我们不支持花呗分期，信用卡要加手续费。', 'tmall', ['payment-method-refusal']],
  ["We don't accept credit cards.", 'other', ['payment-method-refusal']],
  ['可以线下转账，直接打款给我们更快。', 'taobao', ['offline-payment']],
  ['Please pay us offline by bank transfer.', 'other', ['offline-payment']],
  ['这个不行，超过七天就没办法了。', 'taobao', ['blunt-refusal']],
  ['Sorry, that is impossible.', 'other', ['blunt-refusal']],
  ['We cannot issue an invoice for this order.', 'jd', ['blunt-refusal', 'invoice-refusal']],
  ['加我vx：abc12345，拼多多那边的订单我们不给退。', 'taobao', ['blunt-refusal', 'contact-details', 'off-platform-payment', 'other-platform']],
  // Evasions: full-width letters, look-alike spellings, invisible characters.
  ['请加Ｖ信：abc12345 私聊。', 'taobao', ['contact-details', 'off-platform-payment']],
  ['微\u200b信转账给我就行。', 'wechat', ['off-platform-payment']],
];

describe('checkReply', () => {
  it.each(EXAMPLES)('%s (%s) should be flagged for %j', (text, platform, expected) => {
    const findings = checkReply(text, platform);
    expect(ruleIds(findings)).toEqual([...expected].sort());
    for (const finding of findings) expect(text.slice(finding.start, finding.end)).toBe(finding.match);
  });

  it('should have examples for every rule, and at least as many clean ones as flagged ones', () => {
    expect([...new Set(EXAMPLES.flatMap(([, , expected]) => expected))].sort()).toEqual(ALL_RULE_IDS);
    const clean = EXAMPLES.filter(([, , expected]) => expected.length === 0).length;
    expect(clean * 2).toBeGreaterThanOrEqual(EXAMPLES.length);
  });

  it('should point at the original full-width characters, not at the normalised text', () => {
    const text = '电话：１３８ ００１３ ８０００，谢谢';
    expect(checkReply(text, 'jd')).toEqual([
      {
        rule: 'contact-details',
        category: 'diversion',
        severity: 'block',
        message: expect.any(String),
        match: '１３８ ００１３ ８０００',
        start: 3,
        end: 16,
      },
    ]);
  });

  it('should count UTF-16 units, so characters outside the BMP before a match do not shift it', () => {
    const text = '🎁🎁 补偿请加ＱＱ 12345 领取';
    const findings = checkReply(text, 'taobao');
    expect(findings.map(({ rule, match, start }) => [rule, match, start])).toEqual([
      ['off-platform-payment', '加ＱＱ', text.indexOf('加ＱＱ')],
      ['contact-details', 'ＱＱ 12345', text.indexOf('ＱＱ')],
    ]);
  });

  it('should include an invisible character inside a match in its span', () => {
    const [finding] = checkReply('请微\u200b信转账', 'wechat');
    expect(finding).toMatchObject({ rule: 'off-platform-payment', match: '微\u200b信转账', start: 1, end: 6 });
  });

  it('should sort findings by position, one per match', () => {
    const findings = checkReply('没办法，加微信 abc123，或者去拼多多买，滚吧', 'taobao');
    expect(findings.map(({ rule, match }) => [rule, match])).toEqual([
      ['blunt-refusal', '没办法'],
      ['off-platform-payment', '加微信'],
      ['contact-details', '微信 abc123'],
      ['other-platform', '拼多多'],
      ['abusive', '滚吧'],
    ]);
    const starts = findings.map((finding) => finding.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('should merge matches of one rule that overlap into a single finding', () => {
    // Both the URL pattern and the bare-domain pattern match this link.
    expect(checkReply('点击 https://t.cn/A6abcd 领取', 'taobao')).toEqual([
      expect.objectContaining({ rule: 'external-link', match: 'https://t.cn/A6abcd', start: 3, end: 22 }),
    ]);
  });

  it('should report separate matches of one rule separately', () => {
    const findings = checkReply('可以线下转账，也可以私下交易。', 'jd');
    expect(findings.map(({ rule, match }) => [rule, match])).toEqual([
      ['offline-payment', '线下转账'],
      ['offline-payment', '私下交易'],
    ]);
  });

  it.each<[Platform, string[]]>([
    ['taobao', []],
    ['tmall', []],
    ['pinduoduo', ['off-platform-payment']],
    ['jd', ['off-platform-payment']],
    ['wechat', ['off-platform-payment']],
    ['other', ['off-platform-payment']],
  ])('should allow naming Alipay as the refund channel only on Taobao and Tmall (%s)', (platform, expected) => {
    expect(ruleIds(checkReply('退款会原路退回支付宝。', platform))).toEqual(expected);
  });

  it.each<[Platform, string[]]>([
    ['taobao', []],
    ['tmall', []],
    ['pinduoduo', ['external-link']],
    ['jd', ['external-link']],
    ['wechat', ['external-link']],
    ['other', ['external-link']],
  ])('should allow a Tmall link only for Taobao-family shops (%s)', (platform, expected) => {
    expect(ruleIds(checkReply('请查看 https://detail.tmall.com/item.htm?id=42', platform))).toEqual(expected);
  });

  it('should block account and transfer requests even on the platform that owns the payment brand', () => {
    expect(ruleIds(checkReply('请把支付宝账号发我，转到支付宝更快。', 'taobao'))).toEqual(['off-platform-payment']);
    expect(ruleIds(checkReply('微信号发我一下。', 'wechat'))).toEqual(['off-platform-payment']);
  });

  it('should block short links even if they belong to no platform list', () => {
    expect(ruleIds(checkReply('dwz.cn/abc', 'other'))).toEqual(['external-link']);
  });
});

describe('rulesFor', () => {
  it('should list every rule for a Taobao shop with a message and a description', () => {
    const rules = rulesFor('taobao');
    expect(rules.map((rule) => rule.id).sort()).toEqual(ALL_RULE_IDS);
    for (const rule of rules) {
      expect(rule.message).toMatch(/[\u4e00-\u9fff].* \/ [A-Z]/);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });

  it('should make only blunt refusals a warning', () => {
    const warnings = rulesFor('jd').filter((rule) => rule.severity === 'warn');
    expect(warnings.map((rule) => rule.id)).toEqual(['blunt-refusal']);
  });

  it('should not hold shops on other platforms to the other-platform rule', () => {
    expect(rulesFor('other').map((rule) => rule.id)).not.toContain('other-platform');
    expect(rulesFor('other')).toHaveLength(ALL_RULE_IDS.length - 1);
  });
});

describe('isBlocked', () => {
  it('should block a reply with at least one blocking finding and let warnings through', () => {
    expect(isBlocked(checkReply('您好，退款已处理。', 'taobao'))).toBe(false);
    expect(isBlocked(checkReply('这个不行。', 'taobao'))).toBe(false);
    expect(isBlocked(checkReply('这个不行，加我微信聊。', 'taobao'))).toBe(true);
  });
});
