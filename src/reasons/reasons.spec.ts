import type { Platform } from '../shops/shop.record.js';
import { platformReasonLabels, resolveReason } from './platform-reasons.js';
import { isQualityReason, isReasonCode, isRecodeToNonQuality, listReasons, reasonByCode } from './reason-catalog.js';
import { EVIDENCE_KINDS, REASON_CODES } from './reason.types.js';

describe('reason catalog', () => {
  it('should define every code exactly once with both labels, a category and known evidence kinds', () => {
    const codes = listReasons().map((reason) => reason.code);
    expect([...codes].sort()).toEqual([...REASON_CODES].sort());
    for (const reason of listReasons()) {
      expect(reason.labels.zh.trim()).not.toBe('');
      expect(reason.labels.en.trim()).not.toBe('');
      expect(['quality', 'non_quality']).toContain(reason.category);
      expect(reason.expectedEvidence.length).toBeGreaterThan(0);
      for (const kind of reason.expectedEvidence) {
        expect(EVIDENCE_KINDS).toContain(kind);
      }
    }
  });

  it('should count exactly the seven merchant-fault reasons as quality', () => {
    const quality = listReasons()
      .filter((reason) => isQualityReason(reason.code))
      .map((reason) => reason.code);
    expect(quality.sort()).toEqual(
      ['counterfeit', 'damaged_in_transit', 'expired_or_spoiled', 'missing_parts', 'not_as_described', 'quality_problem', 'wrong_item'].sort(),
    );
  });

  it('should look codes up and refuse unknown ones', () => {
    expect(reasonByCode('wrong_item')?.labels.zh).toBe('发错货');
    expect(reasonByCode('made_up')).toBeUndefined();
    expect(isReasonCode('made_up')).toBe(false);
    expect(isQualityReason('made_up')).toBe(false);
  });

  it.each([
    ['quality_problem', 'no_reason_7_days', true],
    ['counterfeit', 'other', true],
    ['quality_problem', 'wrong_item', false],
    ['no_reason_7_days', 'quality_problem', false],
    ['not_received', 'ordered_wrong', false],
    ['quality_problem', 'made_up', false],
  ])('should say whether %s → %s is a recode to non-quality (%s)', (from, to, expected) => {
    expect(isRecodeToNonQuality(from, to)).toBe(expected);
  });
});

describe(resolveReason.name, () => {
  it.each<[Platform, string, string]>([
    ['taobao', '七天无理由退换货', 'no_reason_7_days'],
    ['taobao', '商品质量问题', 'quality_problem'],
    ['taobao', '与商家协商一致退款', 'negotiated'],
    ['taobao', '快递/物流一直未送到', 'not_received'],
    ['taobao', '少件/漏发', 'missing_parts'],
    ['taobao', '发错货', 'wrong_item'],
    ['taobao', '假冒品牌', 'counterfeit'],
    ['taobao', '商品信息描述不符', 'not_as_described'],
    ['taobao', '包装/商品破损/污渍', 'damaged_in_transit'],
    ['taobao', '多拍/拍错/不想要', 'ordered_wrong'],
    ['taobao', '未按约定时间发货', 'logistics_delay'],
    ['tmall', '商品质量问题', 'quality_problem'],
    ['tmall', '生产日期/保质期描述不符', 'expired_or_spoiled'],
    ['pinduoduo', '商品与页面描述不符', 'not_as_described'],
    ['pinduoduo', '多拍/错拍/不想要', 'ordered_wrong'],
    ['pinduoduo', '商品腐烂、变质', 'expired_or_spoiled'],
    ['pinduoduo', '货物破损已拒签', 'damaged_in_transit'],
    ['pinduoduo', '空包裹', 'missing_parts'],
    ['pinduoduo', '快递一直未送达', 'not_received'],
    ['pinduoduo', '商家发货慢', 'logistics_delay'],
    ['pinduoduo', '其他原因', 'other'],
    ['wechat', '七天无理由', 'no_reason_7_days'],
    ['wechat', '商品与描述不符', 'not_as_described'],
    ['wechat', '少件漏发', 'missing_parts'],
    ['wechat', '商品过期/变质', 'expired_or_spoiled'],
    ['wechat', '与商家协商一致', 'negotiated'],
    ['jd', '与商品描述不符', 'not_as_described'],
  ])('should map %s reason "%s" to %s', (platform, label, code) => {
    expect(resolveReason(platform, label)).toBe(code);
  });

  it.each<Platform>(['taobao', 'tmall', 'pinduoduo', 'jd', 'wechat'])('should resolve every %s label it lists to that code', (platform) => {
    const labels = platformReasonLabels(platform);
    expect(labels.length).toBeGreaterThan(0);
    for (const { label, code } of labels) {
      expect(resolveReason(platform, label)).toBe(code);
    }
  });

  it('should tolerate full-width punctuation and spaces', () => {
    expect(resolveReason('taobao', ' 少件 ／ 漏发 ')).toBe('missing_parts');
    expect(resolveReason('pinduoduo', '商品腐烂，变质')).toBe('expired_or_spoiled');
  });

  it('should resolve a label from another platform and accept our own codes', () => {
    expect(resolveReason('taobao', '商品与页面描述不符')).toBe('not_as_described');
    expect(resolveReason('other', '发错货')).toBe('wrong_item');
    expect(resolveReason('wechat', 'counterfeit')).toBe('counterfeit');
  });

  it.each(['', '我就是想退', 'REASON_42'])('should map the unknown reason "%s" to other', (label) => {
    expect(resolveReason('taobao', label)).toBe('other');
  });
});
