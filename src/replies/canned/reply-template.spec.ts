import { CASE_TYPES } from '../../cases/machine/case.types.js';
import { formatDeadline, formatMoney, renderReply, REPLY_VARIABLES, templateVariables, unknownVariables } from './reply-template.js';

const SHANGHAI = 'Asia/Shanghai';

describe('reply templates', () => {
  describe('templateVariables', () => {
    it('should list every placeholder once, in order of first appearance', () => {
      expect(templateVariables('{buyerName}您好，订单{orderId}的{caseType}已受理，{buyerName}请留意。')).toEqual(['buyerName', 'orderId', 'caseType']);
    });

    it('should skip escaped braces and text that is not a placeholder', () => {
      expect(templateVariables('写作{{orderId}}的是字面量，{ 空格 }和{}也不算，只有{amount}算')).toEqual(['amount']);
      expect(templateVariables('没有变量')).toEqual([]);
    });
  });

  describe('unknownVariables', () => {
    it('should report names outside the reply variables, including typos and non-Latin names', () => {
      expect(unknownVariables('{buyerName}{buyer_name}{买家}{orderID}{amount}')).toEqual(['buyer_name', '买家', 'orderID']);
    });

    it('should accept every reply variable', () => {
      expect(unknownVariables(REPLY_VARIABLES.map((name) => `{${name}}`).join(' '))).toEqual([]);
    });

    it('should not count escaped braces as a variable', () => {
      expect(unknownVariables('{{price}}')).toEqual([]);
    });
  });

  describe('renderReply', () => {
    it('should fill every known variable', () => {
      const body =
        '{buyerName}您好，{shopName}客服{agentName}为您处理订单{orderId}的{caseType}：申请{requestedAmount}，同意{amount}，请在{deadline}前寄回，换货单号{trackingNo}。';
      const rendered = renderReply(body, {
        buyerName: '王女士',
        orderId: '3921837712345678',
        amount: { minor: 12900, currency: 'CNY' },
        requestedAmount: { minor: 19900, currency: 'CNY' },
        deadline: new Date('2026-11-24T06:00:00Z'),
        shopName: '暖居家纺',
        agentName: '小林',
        caseType: 'return',
        trackingNo: 'SF1234567890',
        timeZone: SHANGHAI,
      });
      expect(rendered).toEqual({
        text: '王女士您好，暖居家纺客服小林为您处理订单3921837712345678的退货退款：申请¥199.00，同意¥129.00，请在11月24日 14:00前寄回，换货单号SF1234567890。',
        unresolved: [],
      });
    });

    it('should leave a variable without a value in place and list it once', () => {
      const rendered = renderReply('{buyerName}您好，订单{orderId}，{buyerName}，快递{trackingNo}，金额{amount}', {
        orderId: '261120-5519',
        trackingNo: null,
        buyerName: '   ',
        timeZone: SHANGHAI,
      });
      expect(rendered.text).toBe('{buyerName}您好，订单261120-5519，{buyerName}，快递{trackingNo}，金额{amount}');
      expect(rendered.unresolved).toEqual(['buyerName', 'trackingNo', 'amount']);
    });

    it('should turn doubled braces into literal ones and not fill what they wrap', () => {
      const rendered = renderReply('{{orderId}} 是 {orderId}，{{{orderId}}}，单独的 } 和 { 原样保留', {
        orderId: '123',
        timeZone: SHANGHAI,
      });
      expect(rendered).toEqual({ text: '{orderId} 是 123，{123}，单独的 } 和 { 原样保留', unresolved: [] });
    });

    it('should leave unknown names untouched and out of unresolved', () => {
      expect(renderReply('{coupon}{orderId}', { timeZone: SHANGHAI })).toEqual({
        text: '{coupon}{orderId}',
        unresolved: ['orderId'],
      });
    });

    it('should not read a filled-in value as template text', () => {
      expect(renderReply('{buyerName}：{orderId}', { buyerName: '{orderId}', orderId: '42', timeZone: SHANGHAI }).text).toBe('{orderId}：42');
    });

    it.each([
      ['refund', '退款'],
      ['return', '退货退款'],
      ['exchange', '换货'],
      ['complaint', '投诉'],
    ] as const)('should write the case type %s as %s', (caseType, label) => {
      expect(renderReply('{caseType}', { caseType, timeZone: SHANGHAI }).text).toBe(label);
    });

    it('should have a label for every case type', () => {
      for (const caseType of CASE_TYPES) {
        expect(renderReply('{caseType}', { caseType, timeZone: SHANGHAI }).unresolved).toEqual([]);
      }
    });
  });

  describe('money', () => {
    it.each([
      [0, '¥0.00'],
      [1, '¥0.01'],
      [100, '¥1.00'],
      [123456, '¥1,234.56'],
      [129900, '¥1,299.00'],
      [123456789, '¥1,234,567.89'],
      [-550, '-¥5.50'],
    ])('should write %i fen as %s', (minor, expected) => {
      expect(formatMoney({ minor, currency: 'CNY' })).toBe(expected);
    });

    it('should write other currencies as an amount followed by the code, with that currency’s decimals', () => {
      expect(formatMoney({ minor: 1234, currency: 'USD' })).toBe('12.34 USD');
      expect(formatMoney({ minor: 123456, currency: 'usd' })).toBe('1,234.56 USD');
      expect(formatMoney({ minor: 1500, currency: 'JPY' })).toBe('1,500 JPY');
      expect(formatMoney({ minor: 0, currency: 'EUR' })).toBe('0.00 EUR');
    });

    it('should refuse a fractional number of minor units', () => {
      expect(() => formatMoney({ minor: 12.5, currency: 'CNY' })).toThrow(RangeError);
    });

    it('should be what renderReply writes for both amounts', () => {
      expect(
        renderReply('{amount}/{requestedAmount}', {
          amount: { minor: 0, currency: 'CNY' },
          requestedAmount: { minor: 1234, currency: 'USD' },
          timeZone: SHANGHAI,
        }).text,
      ).toBe('¥0.00/12.34 USD');
    });
  });

  describe('deadline', () => {
    it('should write the deadline on the clock of the given zone, across midnight', () => {
      const lateEveningUtc = new Date('2026-11-24T17:30:00Z');
      expect(formatDeadline(lateEveningUtc, SHANGHAI)).toBe('11月25日 01:30');
      expect(formatDeadline(lateEveningUtc, 'UTC')).toBe('11月24日 17:30');
      expect(renderReply('请在{deadline}前寄回', { deadline: lateEveningUtc, timeZone: SHANGHAI }).text).toBe('请在11月25日 01:30前寄回');
      expect(renderReply('请在{deadline}前寄回', { deadline: lateEveningUtc, timeZone: 'UTC' }).text).toBe('请在11月24日 17:30前寄回');
    });

    it('should zero-pad hours and minutes and use a 24-hour clock', () => {
      expect(formatDeadline(new Date('2027-01-02T16:05:00Z'), SHANGHAI)).toBe('1月3日 00:05');
      expect(formatDeadline(new Date('2027-01-03T01:00:00Z'), SHANGHAI)).toBe('1月3日 09:00');
      expect(formatDeadline(new Date('2027-01-03T15:59:00Z'), SHANGHAI)).toBe('1月3日 23:59');
    });

    it('should leave a missing deadline unresolved', () => {
      expect(renderReply('{deadline}', { deadline: null, timeZone: SHANGHAI })).toEqual({ text: '{deadline}', unresolved: ['deadline'] });
    });
  });
});
