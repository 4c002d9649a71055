import { caseInput } from './case-input.fixture.js';
import { applyCaseEvent, startCase, stepOf, timerPlan, type CaseSnapshot } from './case-machine.queries.js';
import type { CaseEvent, CaseInput } from './case.types.js';

function send(snapshot: CaseSnapshot, event: CaseEvent): CaseSnapshot {
  const result = applyCaseEvent(snapshot, event);
  if (!result.accepted) {
    throw new Error(`${event.type} refused in ${stepOf(snapshot)}: ${result.reason}`);
  }
  return result.snapshot;
}

function run(input: CaseInput, events: CaseEvent[]): { snapshot: CaseSnapshot; steps: string[] } {
  let snapshot = startCase(input).snapshot;
  const steps = [stepOf(snapshot)];
  for (const event of events) {
    snapshot = send(snapshot, event);
    steps.push(stepOf(snapshot));
  }
  return { snapshot, steps };
}

const contact: CaseEvent = { type: 'CONTACT_BUYER', note: 'called the buyer' };
const verifyQuality: CaseEvent = {
  type: 'VERIFY',
  verifiedReasonCode: 'quality_problem',
  verifiedReasonCategory: 'quality',
  findings: 'seam torn in the buyer photo',
};
const verifyNonQuality: CaseEvent = {
  type: 'VERIFY',
  verifiedReasonCode: 'no_reason_7_days',
  verifiedReasonCategory: 'non_quality',
  findings: 'item intact on video',
  note: 'buyer admitted changing their mind on chat',
};
const apologise: CaseEvent = { type: 'APOLOGISE', note: 'apologised for the trouble' };
const playbook = [contact, verifyQuality, apologise];
const propose = (resolution: Extract<CaseEvent, { type: 'PROPOSE' }>['resolution'], amount?: number): CaseEvent =>
  amount === undefined ? { type: 'PROPOSE', resolution, note: 'offer' } : { type: 'PROPOSE', resolution, amount, note: 'offer' };
const refunded = (amount: number): CaseEvent => ({ type: 'REFUND_EXECUTED', amount, refundId: 'rf-1' });

describe('caseMachine', () => {
  describe('happy paths', () => {
    it.each<[string, Partial<CaseInput>, CaseEvent[], string[], string, number]>([
      [
        'refund',
        { caseType: 'refund' },
        [...playbook, propose('full_refund'), refunded(10_000)],
        ['open.contact', 'open.verify', 'open.apologise', 'open.propose', 'followUp.refunding', 'archived'],
        'refunded',
        10_000,
      ],
      [
        'return',
        { caseType: 'return' },
        [
          ...playbook,
          propose('return_and_refund'),
          { type: 'RETURN_SHIPPED', carrier: 'SF', trackingNo: 'SF1' },
          { type: 'GOODS_RECEIVED', inspection: 'as described' },
          refunded(10_000),
        ],
        [
          'open.contact',
          'open.verify',
          'open.apologise',
          'open.propose',
          'followUp.awaitingReturn',
          'followUp.returnInTransit',
          'followUp.refunding',
          'archived',
        ],
        'refunded',
        10_000,
      ],
      [
        'exchange',
        { caseType: 'exchange' },
        [
          ...playbook,
          propose('exchange'),
          { type: 'RETURN_SHIPPED', carrier: 'SF', trackingNo: 'SF1' },
          { type: 'GOODS_RECEIVED', inspection: 'as described' },
          { type: 'EXCHANGE_SHIPPED', carrier: 'SF', trackingNo: 'SF2' },
        ],
        [
          'open.contact',
          'open.verify',
          'open.apologise',
          'open.propose',
          'followUp.awaitingReturn',
          'followUp.returnInTransit',
          'followUp.exchanging',
          'archived',
        ],
        'exchanged',
        0,
      ],
      [
        'complaint with a non-money remedy',
        { caseType: 'complaint', requestedAmount: 2_000 },
        [...playbook, propose('compensation'), { type: 'BUYER_ACCEPT' }, { type: 'REMEDY_DONE', note: 'coupon sent' }],
        ['open.contact', 'open.verify', 'open.apologise', 'open.propose', 'awaitingBuyer', 'followUp.remedying', 'archived'],
        'resolved',
        0,
      ],
      [
        'complaint with compensation',
        { caseType: 'complaint', requestedAmount: 2_000 },
        [...playbook, propose('compensation', 500), { type: 'BUYER_ACCEPT' }, refunded(500)],
        ['open.contact', 'open.verify', 'open.apologise', 'open.propose', 'awaitingBuyer', 'followUp.refunding', 'archived'],
        'partially_refunded',
        500,
      ],
    ])('should take a %s case through the playbook to archived', (_, overrides, events, expectedSteps, outcome, refundedAmount) => {
      const { snapshot, steps } = run(caseInput(overrides), events);
      expect(steps).toEqual(expectedSteps);
      expect(snapshot.status).toBe('done');
      expect(snapshot.context).toMatchObject({ outcome, refundedAmount, reservedAmount: 0, skippedSteps: [] });
    });
  });

  describe('proposals', () => {
    it('should approve a full refund straight from contact, record the skipped steps and stop the response clock', () => {
      const start = startCase(caseInput()).snapshot;
      const result = applyCaseEvent(start, propose('full_refund'));
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe('followUp.refunding');
      expect(result.snapshot.context).toMatchObject({
        skippedSteps: ['contact', 'verify', 'apologise'],
        reservedAmount: 10_000,
        approvedVia: 'merchant',
        proposal: { resolution: 'full_refund', amount: 10_000 },
      });
      expect(timerPlan(result.actions)).toEqual({ schedule: [], cancel: ['merchant-response'] });
    });

    it('should record only the steps actually skipped', () => {
      const { snapshot } = run(caseInput({ caseType: 'return' }), [contact, propose('return_and_refund', 10_000)]);
      expect(stepOf(snapshot)).toBe('followUp.awaitingReturn');
      expect(snapshot.context.skippedSteps).toEqual(['verify', 'apologise']);
    });

    it('should stop the response clock and start the buyer window when an offer waits for the buyer', () => {
      const { snapshot } = run(caseInput(), playbook);
      const result = applyCaseEvent(snapshot, propose('partial_refund', 4_000));
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe('awaitingBuyer');
      expect(result.snapshot.context.reservedAmount).toBe(0);
      expect(timerPlan(result.actions)).toEqual({
        cancel: ['merchant-response'],
        schedule: [{ timerId: 'buyer-escalation', event: 'BUYER_ESCALATION_EXPIRED', delayName: 'BUYER_ESCALATION', delayMs: 7 * 86_400_000 }],
      });
    });

    it.each<[string, CaseEvent[], CaseEvent, string]>([
      ['a partial refund without verification', [contact], propose('partial_refund', 4_000), 'VERIFIED_REASON_REQUIRED'],
      ['a reject without verification', [], propose('reject'), 'VERIFIED_REASON_REQUIRED'],
      ['compensation without verification', [contact], propose('compensation', 500), 'VERIFIED_REASON_REQUIRED'],
      ['a full refund of less than requested without verification', [], propose('full_refund', 9_999), 'VERIFIED_REASON_REQUIRED'],
      ['an amount above the requested one', [contact, verifyQuality], propose('partial_refund', 10_001), 'AMOUNT_EXCEEDS_REQUESTED'],
      ['an amount above the paid one', [], propose('full_refund', 12_001), 'AMOUNT_EXCEEDS_PAID'],
      ['a partial refund without amount', [contact, verifyQuality], propose('partial_refund'), 'AMOUNT_REQUIRED'],
      ['a fractional amount', [contact, verifyQuality], propose('partial_refund', 10.5), 'AMOUNT_INVALID'],
      ['an amount on a reject', [contact, verifyQuality], propose('reject', 100), 'AMOUNT_NOT_APPLICABLE'],
    ])('should refuse %s with its rule key', (_, before, proposal, reason) => {
      const { snapshot } = run(caseInput(), before);
      expect(applyCaseEvent(snapshot, proposal)).toEqual({ accepted: false, reason, allowedEvents: expect.arrayContaining(['PROPOSE']) });
    });

    it('should accept less than requested once the reason is verified', () => {
      const { snapshot } = run(caseInput(), [contact, verifyQuality]);
      expect(stepOf(send(snapshot, propose('partial_refund', 4_000)))).toBe('awaitingBuyer');
      expect(send(snapshot, propose('reject')).context.skippedSteps).toEqual(['apologise']);
    });

    it.each<[string, Partial<CaseInput>]>([
      ['an unshipped order', { caseType: 'return', orderShipped: false }],
      ['special goods', { caseType: 'return', specialGoods: true }],
    ])('should refuse a return or exchange for %s', (_, overrides) => {
      const { snapshot } = run(caseInput(overrides), playbook);
      expect(applyCaseEvent(snapshot, propose('return_and_refund'))).toMatchObject({ accepted: false, reason: 'RETURN_NOT_ELIGIBLE' });
      expect(applyCaseEvent(snapshot, propose('exchange'))).toMatchObject({ accepted: false, reason: 'RETURN_NOT_ELIGIBLE' });
      expect(stepOf(send(snapshot, propose('full_refund')))).toBe('followUp.refunding');
    });

    it('should refuse returns and exchanges as complaint remedies and send every remedy to the buyer', () => {
      const { snapshot } = run(caseInput({ caseType: 'complaint', requestedAmount: 2_000 }), playbook);
      expect(applyCaseEvent(snapshot, propose('exchange'))).toMatchObject({ accepted: false, reason: 'RESOLUTION_NOT_ALLOWED' });
      expect(stepOf(send(snapshot, propose('full_refund')))).toBe('awaitingBuyer');
    });

    it('should let the buyer decide on an alternative to what they asked for', () => {
      const { snapshot } = run(caseInput({ caseType: 'refund' }), [propose('return_and_refund')]);
      expect(stepOf(snapshot)).toBe('awaitingBuyer');
      expect(snapshot.context.reservedAmount).toBe(0);
      const accepted = send(snapshot, { type: 'BUYER_ACCEPT' });
      expect(stepOf(accepted)).toBe('followUp.awaitingReturn');
      expect(accepted.context).toMatchObject({ reservedAmount: 10_000, approvedVia: 'buyer_accept' });
    });

    it('should not let the merchant close the case: an accepted reject archives as rejected', () => {
      const { snapshot } = run(caseInput(), [...playbook, propose('reject'), { type: 'BUYER_ACCEPT' }]);
      expect(snapshot.context).toMatchObject({ outcome: 'rejected', reservedAmount: 0 });
    });

    it('should reserve an accepted partial refund and archive as partially refunded once paid', () => {
      const { snapshot } = run(caseInput(), [...playbook, propose('partial_refund', 4_000), { type: 'BUYER_ACCEPT' }]);
      expect(stepOf(snapshot)).toBe('followUp.refunding');
      expect(snapshot.context).toMatchObject({ reservedAmount: 4_000, approvedVia: 'buyer_accept' });
      expect(applyCaseEvent(snapshot, refunded(10_000))).toMatchObject({ accepted: false, reason: 'REFUND_AMOUNT_MISMATCH' });
      expect(send(snapshot, refunded(4_000)).context).toMatchObject({ outcome: 'partially_refunded', refundedAmount: 4_000, reservedAmount: 0 });
    });
  });

  describe('verification', () => {
    it('should refuse recoding a quality claim to non-quality without a note', () => {
      const { snapshot } = run(caseInput(), [contact]);
      const { note: _, ...withoutNote } = verifyNonQuality as Extract<CaseEvent, { type: 'VERIFY' }>;
      expect(applyCaseEvent(snapshot, withoutNote)).toMatchObject({ accepted: false, reason: 'RECODE_NOTE_REQUIRED' });
      expect(applyCaseEvent(snapshot, { ...withoutNote, note: '   ' })).toMatchObject({ accepted: false, reason: 'RECODE_NOTE_REQUIRED' });
    });

    it('should mark a recode explained by a note', () => {
      const verified = send(run(caseInput(), [contact]).snapshot, verifyNonQuality);
      expect(verified.context).toMatchObject({
        verifiedReasonCode: 'no_reason_7_days',
        verifiedReasonCategory: 'non_quality',
        reasonRecoded: true,
        stepsDone: { contact: true, verify: true, apologise: false },
      });
    });

    it('should need no note when the claim was not a quality one', () => {
      const input = caseInput({ claimedReasonCode: 'ordered_wrong', claimedReasonCategory: 'non_quality' });
      const { note: _, ...withoutNote } = verifyNonQuality as Extract<CaseEvent, { type: 'VERIFY' }>;
      expect(send(run(input, [contact]).snapshot, withoutNote).context.reasonRecoded).toBe(false);
    });
  });

  describe('deadlines', () => {
    it.each<[Partial<CaseInput>, string, number, string]>([
      [{ caseType: 'refund' }, 'followUp.refunding', 10_000, 'full_refund'],
      [{ caseType: 'return' }, 'followUp.awaitingReturn', 10_000, 'return_and_refund'],
      [{ caseType: 'exchange' }, 'followUp.awaitingReturn', 0, 'exchange'],
    ])('should auto-approve %j when the merchant does not respond', (overrides, step, reserved, resolution) => {
      const { snapshot } = run(caseInput(overrides), [contact, { type: 'MERCHANT_RESPONSE_EXPIRED' }]);
      expect(stepOf(snapshot)).toBe(step);
      expect(snapshot.context).toMatchObject({ reservedAmount: reserved, approvedVia: 'auto', proposal: { resolution } });
    });

    it('should archive an auto-approved refund as auto_approved once paid', () => {
      const { snapshot } = run(caseInput(), [{ type: 'MERCHANT_RESPONSE_EXPIRED' }, refunded(10_000)]);
      expect(snapshot.context).toMatchObject({ outcome: 'auto_approved', refundedAmount: 10_000, reservedAmount: 0 });
    });

    it('should schedule the merchant-response window for refunds but never for complaints', () => {
      expect(timerPlan(startCase(caseInput()).actions).schedule).toEqual([
        { timerId: 'merchant-response', event: 'MERCHANT_RESPONSE_EXPIRED', delayName: 'MERCHANT_RESPONSE', delayMs: 48 * 3_600_000 },
      ]);
      const complaint = startCase(caseInput({ caseType: 'complaint' }));
      expect(timerPlan(complaint.actions)).toEqual({ schedule: [], cancel: [] });
      expect(applyCaseEvent(complaint.snapshot, { type: 'MERCHANT_RESPONSE_EXPIRED' })).toMatchObject({
        accepted: false,
        reason: 'AUTO_APPROVAL_NOT_APPLICABLE',
      });
    });

    it('should close as closed_no_return and release the reservation when the buyer never ships the return', () => {
      const { snapshot } = run(caseInput({ caseType: 'return' }), [propose('return_and_refund')]);
      expect(snapshot.context.reservedAmount).toBe(10_000);
      const result = applyCaseEvent(snapshot, { type: 'BUYER_RETURN_EXPIRED' });
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe('archived');
      expect(result.snapshot.context).toMatchObject({ outcome: 'closed_no_return', reservedAmount: 0, refundedAmount: 0 });
      expect(timerPlan(result.actions)).toEqual({ schedule: [], cancel: ['buyer-return'] });
    });

    it.each<[CaseInput['caseType'], CaseEvent, string]>([
      ['return', propose('return_and_refund'), 'followUp.refunding'],
      ['exchange', propose('exchange'), 'followUp.exchanging'],
    ])('should treat a %s the merchant never confirmed as received', (caseType, proposal, step) => {
      const { snapshot } = run(caseInput({ caseType }), [proposal, { type: 'RETURN_SHIPPED', carrier: 'SF', trackingNo: 'SF1' }]);
      const result = applyCaseEvent(snapshot, { type: 'MERCHANT_RECEIPT_EXPIRED' });
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe(step);
      expect(timerPlan(result.actions)).toEqual({ schedule: [], cancel: ['merchant-receipt'] });
    });

    it('should archive a lapsed reject as rejected and a lapsed offer as resolved', () => {
      const lapsedReject = run(caseInput(), [...playbook, propose('reject'), { type: 'BUYER_ESCALATION_EXPIRED' }]).snapshot;
      expect(lapsedReject.context.outcome).toBe('rejected');
      const lapsedOffer = run(caseInput(), [
        ...playbook,
        propose('partial_refund', 4_000),
        { type: 'BUYER_DECLINE', note: 'too little' },
        { type: 'BUYER_ESCALATION_EXPIRED' },
      ]).snapshot;
      expect(lapsedOffer.context).toMatchObject({ outcome: 'resolved', reservedAmount: 0 });
    });

    it('should restart the escalation window when the buyer declines', () => {
      const { snapshot } = run(caseInput(), [...playbook, propose('partial_refund', 4_000)]);
      const result = applyCaseEvent(snapshot, { type: 'BUYER_DECLINE' });
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe('negotiating.buyerDeclined');
      const plan = timerPlan(result.actions);
      expect(plan.cancel).toEqual(['buyer-escalation']);
      expect(plan.schedule.map((t) => t.timerId)).toEqual(['buyer-escalation']);
    });

    it('should not restart the merchant-response clock when the merchant proposes again after a decline', () => {
      const { snapshot } = run(caseInput(), [...playbook, propose('partial_refund', 4_000), { type: 'BUYER_DECLINE' }]);
      const result = applyCaseEvent(snapshot, propose('full_refund'));
      if (!result.accepted) throw new Error(result.reason);
      expect(stepOf(result.snapshot)).toBe('followUp.refunding');
      expect(timerPlan(result.actions).schedule).toEqual([]);
    });
  });

  describe('disputes', () => {
    it('should run the evidence window, refuse late evidence and pay what the platform rules', () => {
      let snapshot = run(caseInput(), [...playbook, propose('reject'), { type: 'BUYER_ESCALATE' }]).snapshot;
      expect(stepOf(snapshot)).toBe('dispute.escalated');
      expect(snapshot.context.disputed).toBe(true);

      const intervened = applyCaseEvent(snapshot, { type: 'PLATFORM_INTERVENED' });
      if (!intervened.accepted) throw new Error(intervened.reason);
      expect(timerPlan(intervened.actions).schedule.map((t) => t.delayName)).toEqual(['DISPUTE_EVIDENCE']);
      snapshot = send(intervened.snapshot, { type: 'SUBMIT_EVIDENCE' });
      expect(applyCaseEvent(snapshot, { type: 'SUBMIT_EVIDENCE' })).toMatchObject({ accepted: false, reason: 'EVIDENCE_ALREADY_SUBMITTED' });
      snapshot = send(snapshot, { type: 'DISPUTE_EVIDENCE_EXPIRED' });
      expect(stepOf(snapshot)).toBe('dispute.awaitingRuling');
      expect(snapshot.context).toMatchObject({ evidenceSubmitted: true, evidenceWindowClosed: true });
      expect(applyCaseEvent(snapshot, { type: 'SUBMIT_EVIDENCE' })).toMatchObject({ accepted: false, reason: 'EVIDENCE_WINDOW_CLOSED' });

      expect(applyCaseEvent(snapshot, { type: 'PLATFORM_RULING', favour: 'buyer', amount: 12_001 })).toMatchObject({
        accepted: false,
        reason: 'AMOUNT_EXCEEDS_PAID',
      });
      snapshot = send(snapshot, { type: 'PLATFORM_RULING', favour: 'buyer', amount: 6_000 });
      expect(stepOf(snapshot)).toBe('followUp.refunding');
      expect(snapshot.context).toMatchObject({ reservedAmount: 6_000, approvedVia: 'ruling' });
      expect(send(snapshot, refunded(6_000)).context.outcome).toBe('partially_refunded');
    });

    it('should archive as rejected when the platform rules for the merchant', () => {
      const { snapshot } = run(caseInput(), [...playbook, propose('reject'), { type: 'PLATFORM_INTERVENED' }, { type: 'PLATFORM_RULING', favour: 'merchant' }]);
      expect(snapshot.context).toMatchObject({ outcome: 'rejected', reservedAmount: 0, disputed: true });
    });

    it('should release an approval when the platform takes over', () => {
      const { snapshot } = run(caseInput({ caseType: 'return' }), [propose('return_and_refund'), { type: 'PLATFORM_INTERVENED' }]);
      expect(stepOf(snapshot)).toBe('dispute.evidence');
      expect(snapshot.context).toMatchObject({ reservedAmount: 0, approvedVia: null });
    });
  });

  describe('money failures', () => {
    it('should release the reservation on a failed refund and let the merchant propose again', () => {
      let { snapshot } = run(caseInput(), [propose('full_refund'), { type: 'REFUND_FAILED', reason: 'buyer account frozen' }]);
      expect(stepOf(snapshot)).toBe('negotiating.refundFailed');
      expect(snapshot.context).toMatchObject({ reservedAmount: 0, approvedVia: null });
      snapshot = send(snapshot, propose('full_refund'));
      expect(snapshot.context.reservedAmount).toBe(10_000);
      expect(send(snapshot, refunded(10_000)).context.outcome).toBe('refunded');
    });
  });

  describe('events outside the state', () => {
    it('should answer not_allowed_in_state with the events a caller may send instead', () => {
      const start = startCase(caseInput()).snapshot;
      expect(applyCaseEvent(start, refunded(10_000))).toEqual({
        accepted: false,
        reason: 'not_allowed_in_state',
        allowedEvents: ['CONTACT_BUYER', 'PROPOSE', 'BUYER_WITHDRAW', 'PLATFORM_INTERVENED'],
      });
    });

    it('should refuse a stale timer without touching the case', () => {
      const { snapshot } = run(caseInput(), [propose('full_refund')]);
      expect(applyCaseEvent(snapshot, { type: 'MERCHANT_RESPONSE_EXPIRED' })).toMatchObject({ accepted: false, reason: 'not_allowed_in_state' });
    });

    it('should accept nothing once archived', () => {
      const { snapshot } = run(caseInput(), [{ type: 'BUYER_WITHDRAW' }]);
      expect(snapshot.context.outcome).toBe('withdrawn');
      expect(applyCaseEvent(snapshot, { type: 'BUYER_WITHDRAW' })).toEqual({ accepted: false, reason: 'not_allowed_in_state', allowedEvents: [] });
    });
  });
});
