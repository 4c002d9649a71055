import { mostUrgentDeadline } from './case-timers.js';

const at = (iso: string) => new Date(iso);

describe('mostUrgentDeadline', () => {
  const response = { timerId: 'merchant-response', dueAt: at('2026-11-04T09:00:00Z') };
  const receipt = { timerId: 'merchant-receipt', dueAt: at('2026-11-03T09:00:00Z') };
  const evidence = { timerId: 'dispute-evidence', dueAt: at('2026-11-02T09:00:00Z') };
  const buyerReturn = { timerId: 'buyer-return', dueAt: at('2026-11-01T09:00:00Z') };
  const escalation = { timerId: 'buyer-escalation', dueAt: at('2026-11-01T08:00:00Z') };

  it('should pick the soonest merchant deadline and ignore the buyer windows', () => {
    expect(mostUrgentDeadline([response, buyerReturn, receipt, escalation], { evidenceSubmitted: false })).toBe(receipt);
  });

  it('should drop the evidence deadline once the package is submitted', () => {
    expect(mostUrgentDeadline([response, evidence], { evidenceSubmitted: false })).toBe(evidence);
    expect(mostUrgentDeadline([response, evidence], { evidenceSubmitted: true })).toBe(response);
  });

  it('should answer null when only buyer windows run', () => {
    expect(mostUrgentDeadline([buyerReturn, escalation], { evidenceSubmitted: false })).toBeNull();
    expect(mostUrgentDeadline([], { evidenceSubmitted: false })).toBeNull();
  });

  it('should break a tie between deadlines due at the same moment by timer id, whatever the input order', () => {
    const sameTime = { timerId: 'merchant-receipt', dueAt: response.dueAt };
    expect(mostUrgentDeadline([response, sameTime], { evidenceSubmitted: false })?.timerId).toBe('merchant-receipt');
    expect(mostUrgentDeadline([sameTime, response], { evidenceSubmitted: false })?.timerId).toBe('merchant-receipt');
  });
});
