import { RESOLUTIONS } from '../../cases/machine/case.types.js';
import { PLATFORMS } from '../../shops/shop.record.js';
import { checkReply } from '../guard/reply-guard.js';
import { DEFAULT_CANNED_REPLIES, type DefaultCannedReply } from './default-canned-replies.js';
import { REPLY_STEPS } from './reply-steps.js';
import { renderReply, templateVariables, unknownVariables } from './reply-template.js';

/** How many defaults each step should offer: enough to choose from, few enough to scan. */
const STEP_COUNTS = {
  contact: [2, 3],
  verify: [3, 4],
  apologise: [2, 3],
  propose: [RESOLUTIONS.length, 10],
  followUp: [2, 4],
  archive: [2, 2],
} as const;

describe('default canned replies', () => {
  it.each(REPLY_STEPS.map((step) => [step] as const))('should offer a sensible number of replies for the %s step', (step) => {
    const count = DEFAULT_CANNED_REPLIES.filter((reply) => reply.step === step).length;
    const [min, max] = STEP_COUNTS[step];
    expect(count).toBeGreaterThanOrEqual(min);
    expect(count).toBeLessThanOrEqual(max);
  });

  it.each(RESOLUTIONS.map((resolution) => [resolution] as const))('should offer a propose reply for %s', (resolution) => {
    const offers = DEFAULT_CANNED_REPLIES.filter(
      (reply) => reply.step === 'propose' && (reply.key === `propose.${resolution}` || reply.key.startsWith(`propose.${resolution}.`)),
    );
    expect(offers.length).toBeGreaterThanOrEqual(1);
  });

  it('should name every propose reply after a resolution', () => {
    for (const reply of DEFAULT_CANNED_REPLIES.filter((r) => r.step === 'propose')) {
      expect(RESOLUTIONS).toContain(reply.key.split('.')[1]);
    }
  });

  it('should use unique keys prefixed by their step', () => {
    const keys = DEFAULT_CANNED_REPLIES.map((reply) => reply.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const reply of DEFAULT_CANNED_REPLIES) {
      expect(reply.key).toMatch(/^[a-zA-Z]+(\.[a-zA-Z_]+)+$/);
      expect(reply.key.split('.')[0]).toBe(reply.step);
    }
  });

  it('should list the replies grouped in playbook order', () => {
    const stepOrder = DEFAULT_CANNED_REPLIES.map((reply) => REPLY_STEPS.indexOf(reply.step));
    expect(stepOrder).toEqual([...stepOrder].sort((a, b) => a - b));
  });

  it('should use only known variables and name a title for every reply', () => {
    for (const reply of DEFAULT_CANNED_REPLIES) {
      expect({ key: reply.key, unknown: unknownVariables(reply.body) }).toEqual({ key: reply.key, unknown: [] });
      expect(reply.title.trim()).not.toBe('');
      expect(reply.body.trim()).not.toBe('');
    }
  });

  it('should give return and exchange instructions a deadline and the shipped exchange its tracking number', () => {
    const variablesOf = (key: string) => templateVariables(DEFAULT_CANNED_REPLIES.find((reply) => reply.key === key)!.body);
    expect(variablesOf('propose.return_and_refund')).toContain('deadline');
    expect(variablesOf('propose.exchange')).toContain('deadline');
    expect(variablesOf('followUp.returnReminder')).toContain('deadline');
    expect(variablesOf('followUp.exchangeShipped')).toContain('trackingNo');
  });

  it('should render completely once the case values are known', () => {
    for (const reply of DEFAULT_CANNED_REPLIES) {
      const rendered = renderSample(reply);
      expect(rendered.unresolved).toEqual([]);
      expect(rendered.text).not.toMatch(/[{}]/);
    }
  });

  // A default that trips the guard would be refused or warned about on a shop's very first reply.
  describe.each(PLATFORMS.map((platform) => [platform] as const))('on a %s shop', (platform) => {
    it.each(DEFAULT_CANNED_REPLIES.map((reply) => [reply.key, reply] as const))('should pass the reply guard: %s', (_key, reply) => {
      expect(checkReply(reply.body, platform)).toEqual([]);
      expect(checkReply(renderSample(reply).text, platform)).toEqual([]);
    });
  });
});

/** Realistic case values, including the order ids, amounts and tracking numbers the guard must leave alone. */
function renderSample(reply: DefaultCannedReply) {
  return renderReply(reply.body, {
    buyerName: '王女士',
    orderId: '3921837712345678',
    amount: { minor: 12900, currency: 'CNY' },
    requestedAmount: { minor: 19900, currency: 'CNY' },
    deadline: new Date('2026-11-24T06:00:00Z'),
    shopName: '暖居家纺',
    agentName: '小林',
    caseType: reply.caseType ?? 'refund',
    trackingNo: 'SF1234567890',
    timeZone: 'Asia/Shanghai',
  });
}
