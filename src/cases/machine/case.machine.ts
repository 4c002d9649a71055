import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { caseContextFromInput } from './case-context.js';
import {
  acceptanceRoute,
  autoApprovalRefusal,
  evidenceRefusal,
  planProposal,
  refundExecutionRefusal,
  rulingAmount,
  rulingRefusal,
  verificationRefusal,
  type AcceptanceRoute,
  type ProposalRoute,
} from './case-rules.js';
import { CASE_TIMERS, timerApplies, timerDelayMs, type TimerName } from './case-timers.js';
import { PLAYBOOK_STEPS, type CaseContext, type CaseEvent, type CaseInput, type CaseOutcome, type PlaybookStep, type Proposal } from './case.types.js';

/** Stored with every snapshot; bump it when a change would misread snapshots persisted by an older machine. */
export const CASE_MACHINE_VERSION = 1;

function proposalRoute(context: CaseContext, event: CaseEvent): ProposalRoute | null {
  if (event.type !== 'PROPOSE') return null;
  const plan = planProposal(context, event);
  return plan.refusal === null ? plan.route : null;
}

function pendingAcceptanceRoute(context: CaseContext): AcceptanceRoute | null {
  return context.proposal ? acceptanceRoute(context.proposal) : null;
}

/** What the platform approves when the merchant lets the response window lapse: exactly what the buyer asked for. */
function autoApprovedProposal(context: CaseContext): Proposal {
  switch (context.caseType) {
    case 'refund':
      return { resolution: 'full_refund', amount: context.requestedAmount };
    case 'return':
      return { resolution: 'return_and_refund', amount: context.requestedAmount };
    default:
      return { resolution: 'exchange', amount: null };
  }
}

function refundOutcome(context: CaseContext, refunded: number): CaseOutcome {
  if (context.approvedVia === 'auto') return 'auto_approved';
  return refunded >= context.requestedAmount ? 'refunded' : 'partially_refunded';
}

const startTimer = (timer: TimerName) => ({ type: 'startTimer', params: { timer } }) as const;
const stopTimer = (timer: TimerName) => ({ type: 'stopTimer', params: { timer } }) as const;
const archiveAs = (outcome: CaseOutcome) => ({ type: 'archive', params: { outcome } }) as const;

// Shared transitions. Targets are absolute so the same definition works from any state.
const withdraw = { target: '#case.archived', actions: archiveAs('withdrawn') } as const;
const platformIntervenes = { target: '#case.dispute.evidence' } as const;
const buyerEscalates = { target: '#case.dispute' } as const;
const propose = [
  { guard: 'proposalGoesToRefunding', target: '#case.followUp.refunding', actions: 'recordProposal' },
  { guard: 'proposalGoesToAwaitingReturn', target: '#case.followUp.awaitingReturn', actions: 'recordProposal' },
  // A new offer while one is pending replaces it and restarts the buyer's window, hence reenter.
  { guard: 'proposalGoesToAwaitingBuyer', target: '#case.awaitingBuyer', reenter: true, actions: 'recordProposal' },
] as const;

/**
 * The after-sales case: contact → verify → apologise → propose → follow up → archive, for refund, return,
 * exchange and complaint cases. Pure: no I/O and no in-memory timers. Every deadline is a delayed raise
 * with an id in a state's entry and a cancel of that id in its exit; the engine turns those actions into
 * durable timer rows (see timerPlan) and the sweeper sends the `*_EXPIRED` event back when one is due.
 *
 * Money: `reservedAmount` is approved-but-unpaid money for this case, `refundedAmount` is paid money. The
 * engine moves order totals by diffing both between the snapshot before and after an event, so every
 * action that approves, pays or abandons money sets them exactly, and every archive leaves nothing reserved.
 */
export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  delays: {
    MERCHANT_RESPONSE: ({ context }) => timerDelayMs('MERCHANT_RESPONSE', context),
    BUYER_RETURN: ({ context }) => timerDelayMs('BUYER_RETURN', context),
    MERCHANT_RECEIPT: ({ context }) => timerDelayMs('MERCHANT_RECEIPT', context),
    DISPUTE_EVIDENCE: ({ context }) => timerDelayMs('DISPUTE_EVIDENCE', context),
    BUYER_ESCALATION: ({ context }) => timerDelayMs('BUYER_ESCALATION', context),
  },
  guards: {
    verificationAllowed: ({ context, event }) => event.type === 'VERIFY' && verificationRefusal(context, event) === null,
    proposalGoesToRefunding: ({ context, event }) => proposalRoute(context, event) === 'refunding',
    proposalGoesToAwaitingReturn: ({ context, event }) => proposalRoute(context, event) === 'awaitingReturn',
    proposalGoesToAwaitingBuyer: ({ context, event }) => proposalRoute(context, event) === 'awaitingBuyer',
    autoApprovesRefund: ({ context }) => autoApprovalRefusal(context) === null && context.caseType === 'refund',
    autoApprovesReturn: ({ context }) => autoApprovalRefusal(context) === null && context.caseType !== 'refund',
    acceptanceArchives: ({ context }) => pendingAcceptanceRoute(context) === 'archived',
    acceptanceGoesToAwaitingReturn: ({ context }) => pendingAcceptanceRoute(context) === 'awaitingReturn',
    acceptanceGoesToRefunding: ({ context }) => pendingAcceptanceRoute(context) === 'refunding',
    acceptanceGoesToRemedying: ({ context }) => pendingAcceptanceRoute(context) === 'remedying',
    returnIsForExchange: ({ context }) => context.proposal?.resolution === 'exchange',
    refundMatchesReservation: ({ context, event }) => event.type === 'REFUND_EXECUTED' && refundExecutionRefusal(context, event) === null,
    evidenceWindowOpen: ({ context }) => evidenceRefusal(context) === null,
    rulingForBuyer: ({ context, event }) => event.type === 'PLATFORM_RULING' && event.favour === 'buyer' && rulingRefusal(context, event) === null,
    rulingForMerchant: ({ context, event }) => event.type === 'PLATFORM_RULING' && event.favour === 'merchant' && rulingRefusal(context, event) === null,
  },
  actions: {
    startTimer: enqueueActions(({ context, enqueue }, params: { timer: TimerName }) => {
      const timer = CASE_TIMERS[params.timer];
      if (timerApplies(params.timer, context.caseType)) {
        enqueue.raise({ type: timer.event }, { id: timer.timerId, delay: params.timer });
      }
    }),
    stopTimer: enqueueActions(({ context, enqueue }, params: { timer: TimerName }) => {
      if (timerApplies(params.timer, context.caseType)) {
        enqueue.cancel(CASE_TIMERS[params.timer].timerId);
      }
    }),
    recordContact: assign({ stepsDone: ({ context }) => ({ ...context.stepsDone, contact: true }) }),
    recordApology: assign({ stepsDone: ({ context }) => ({ ...context.stepsDone, apologise: true }) }),
    recordVerification: assign(({ context, event }) => {
      assertEvent(event, 'VERIFY');
      return {
        stepsDone: { ...context.stepsDone, verify: true },
        verifiedReasonCode: event.verifiedReasonCode,
        verifiedReasonCategory: event.verifiedReasonCategory,
        reasonRecoded: context.claimedReasonCategory === 'quality' && event.verifiedReasonCategory === 'non_quality',
      };
    }),
    recordProposal: assign(({ context, event }) => {
      assertEvent(event, 'PROPOSE');
      const plan = planProposal(context, event);
      if (plan.refusal !== null) {
        throw new Error(`recordProposal ran for a refused proposal (${plan.refusal}); a guard is missing`);
      }
      const skipped = PLAYBOOK_STEPS.filter((step) => !context.stepsDone[step]);
      const skippedSteps: PlaybookStep[] = PLAYBOOK_STEPS.filter((step) => context.skippedSteps.includes(step) || skipped.includes(step));
      return {
        proposal: plan.proposal,
        skippedSteps,
        reservedAmount: plan.reserve,
        approvedVia: plan.route === 'awaitingBuyer' ? null : ('merchant' as const),
      };
    }),
    autoApprove: assign(({ context }) => {
      const proposal = autoApprovedProposal(context);
      return { proposal, reservedAmount: proposal.amount ?? 0, approvedVia: 'auto' as const };
    }),
    approveAcceptedProposal: assign(({ context }) => ({
      reservedAmount: context.proposal?.amount ?? 0,
      approvedVia: 'buyer_accept' as const,
    })),
    releaseReservation: assign({ reservedAmount: 0, approvedVia: null }),
    recordRefund: assign(({ context }) => {
      const refundedAmount = context.refundedAmount + context.reservedAmount;
      return { refundedAmount, reservedAmount: 0, outcome: refundOutcome(context, refundedAmount) };
    }),
    // The platform decides the money from here on, so an earlier approval no longer stands.
    enterDispute: assign({
      disputed: true,
      reservedAmount: 0,
      approvedVia: null,
      evidenceSubmitted: false,
      evidenceWindowClosed: false,
    }),
    recordEvidence: assign({ evidenceSubmitted: true }),
    closeEvidenceWindow: assign({ evidenceWindowClosed: true }),
    approveRuling: assign(({ context, event }) => {
      assertEvent(event, 'PLATFORM_RULING');
      return { reservedAmount: rulingAmount(context, event), approvedVia: 'ruling' as const };
    }),
    archive: assign((_, params: { outcome: CaseOutcome }) => ({ outcome: params.outcome, reservedAmount: 0 })),
    archiveAfterEscalationWindow: assign(({ context }) => ({
      outcome: context.proposal?.resolution === 'reject' ? ('rejected' as const) : ('resolved' as const),
      reservedAmount: 0,
    })),
  },
}).createMachine({
  id: 'case',
  // resolveState (restoring a persisted snapshot) evaluates this without input and then discards the
  // result for the stored context; answering cheaply there avoids a thrown and swallowed RangeError on
  // every restore, which cost more than the transition itself.
  context: ({ input }) => (input === undefined ? ({} as CaseContext) : caseContextFromInput(input)),
  initial: 'open',
  states: {
    // The merchant has not responded yet. The 48 h clock runs for the whole of `open` and stops on PROPOSE
    // (the merchant's response) or any other way out.
    open: {
      initial: 'contact',
      entry: startTimer('MERCHANT_RESPONSE'),
      exit: stopTimer('MERCHANT_RESPONSE'),
      on: {
        // Allowed from every step: a full approval may skip the playbook; the rules refuse anything less
        // without a verified reason, and skipped steps are recorded.
        PROPOSE: propose,
        MERCHANT_RESPONSE_EXPIRED: [
          { guard: 'autoApprovesRefund', target: '#case.followUp.refunding', actions: 'autoApprove' },
          { guard: 'autoApprovesReturn', target: '#case.followUp.awaitingReturn', actions: 'autoApprove' },
        ],
        PLATFORM_INTERVENED: platformIntervenes,
        BUYER_WITHDRAW: withdraw,
      },
      // Steps go strictly in playbook order so the console always shows one next step; only PROPOSE may jump ahead.
      states: {
        contact: { on: { CONTACT_BUYER: { target: 'verify', actions: 'recordContact' } } },
        verify: { on: { VERIFY: { guard: 'verificationAllowed', target: 'apologise', actions: 'recordVerification' } } },
        apologise: { on: { APOLOGISE: { target: 'propose', actions: 'recordApology' } } },
        propose: {},
      },
    },
    awaitingBuyer: {
      entry: startTimer('BUYER_ESCALATION'),
      exit: stopTimer('BUYER_ESCALATION'),
      on: {
        BUYER_ACCEPT: [
          { guard: 'acceptanceArchives', target: 'archived', actions: archiveAs('rejected') },
          { guard: 'acceptanceGoesToAwaitingReturn', target: 'followUp.awaitingReturn', actions: 'approveAcceptedProposal' },
          { guard: 'acceptanceGoesToRefunding', target: 'followUp.refunding', actions: 'approveAcceptedProposal' },
          { guard: 'acceptanceGoesToRemedying', target: 'followUp.remedying', actions: 'approveAcceptedProposal' },
        ],
        BUYER_DECLINE: { target: 'negotiating.buyerDeclined' },
        BUYER_ESCALATE: buyerEscalates,
        PROPOSE: propose,
        PLATFORM_INTERVENED: platformIntervenes,
        BUYER_ESCALATION_EXPIRED: { target: 'archived', actions: 'archiveAfterEscalationWindow' },
        BUYER_WITHDRAW: withdraw,
      },
    },
    // Added to the playbook: the merchant's turn again after the first response. Going back to `open`
    // instead would restart the merchant-response clock (anchored at requestedAt, so it would fire at once
    // and auto-approve), and the merchant has already responded.
    negotiating: {
      initial: 'buyerDeclined',
      on: {
        CONTACT_BUYER: { actions: 'recordContact' },
        VERIFY: { guard: 'verificationAllowed', actions: 'recordVerification' },
        APOLOGISE: { actions: 'recordApology' },
        PROPOSE: propose,
        BUYER_ESCALATE: buyerEscalates,
        PLATFORM_INTERVENED: platformIntervenes,
        BUYER_WITHDRAW: withdraw,
      },
      states: {
        // The buyer turned the offer down and may take it to the platform within the escalation window.
        buyerDeclined: {
          entry: startTimer('BUYER_ESCALATION'),
          exit: stopTimer('BUYER_ESCALATION'),
          on: { BUYER_ESCALATION_EXPIRED: { target: '#case.archived', actions: 'archiveAfterEscalationWindow' } },
        },
        // The approved refund could not be paid. No window here: closing the case on a lapse would leave an
        // approved refund unpaid, so the case waits for the merchant to propose again.
        refundFailed: {},
      },
    },
    followUp: {
      // XState wants an initial child; every transition into followUp names its child explicitly.
      initial: 'awaitingReturn',
      on: { BUYER_WITHDRAW: withdraw },
      states: {
        awaitingReturn: {
          entry: startTimer('BUYER_RETURN'),
          exit: stopTimer('BUYER_RETURN'),
          on: {
            RETURN_SHIPPED: { target: 'returnInTransit' },
            BUYER_RETURN_EXPIRED: { target: '#case.archived', actions: archiveAs('closed_no_return') },
            PLATFORM_INTERVENED: platformIntervenes,
          },
        },
        returnInTransit: {
          entry: startTimer('MERCHANT_RECEIPT'),
          exit: stopTimer('MERCHANT_RECEIPT'),
          on: {
            GOODS_RECEIVED: [{ guard: 'returnIsForExchange', target: 'exchanging' }, { target: 'refunding' }],
            // The platform treats an unconfirmed delivery as received.
            MERCHANT_RECEIPT_EXPIRED: [{ guard: 'returnIsForExchange', target: 'exchanging' }, { target: 'refunding' }],
            PLATFORM_INTERVENED: platformIntervenes,
          },
        },
        // No PLATFORM_INTERVENED here: the money is already approved and on its way.
        refunding: {
          on: {
            REFUND_EXECUTED: { guard: 'refundMatchesReservation', target: '#case.archived', actions: 'recordRefund' },
            REFUND_FAILED: { target: '#case.negotiating.refundFailed', actions: 'releaseReservation' },
          },
        },
        exchanging: {
          on: {
            EXCHANGE_SHIPPED: { target: '#case.archived', actions: archiveAs('exchanged') },
            PLATFORM_INTERVENED: platformIntervenes,
          },
        },
        remedying: {
          on: {
            REMEDY_DONE: { target: '#case.archived', actions: archiveAs('resolved') },
            PLATFORM_INTERVENED: platformIntervenes,
          },
        },
      },
    },
    // Added sub-states: the buyer may escalate before the platform steps in, and the evidence window
    // (a durable timer) only opens when it does.
    dispute: {
      initial: 'escalated',
      entry: 'enterDispute',
      on: {
        PLATFORM_RULING: [
          { guard: 'rulingForBuyer', target: 'followUp.refunding', actions: 'approveRuling' },
          { guard: 'rulingForMerchant', target: 'archived', actions: archiveAs('rejected') },
        ],
        // Listed even once the window has closed, so late evidence gets a clear EVIDENCE_WINDOW_CLOSED.
        SUBMIT_EVIDENCE: { guard: 'evidenceWindowOpen', actions: 'recordEvidence' },
        BUYER_WITHDRAW: withdraw,
      },
      states: {
        escalated: { on: { PLATFORM_INTERVENED: { target: 'evidence' } } },
        evidence: {
          entry: startTimer('DISPUTE_EVIDENCE'),
          exit: stopTimer('DISPUTE_EVIDENCE'),
          on: { DISPUTE_EVIDENCE_EXPIRED: { target: 'awaitingRuling', actions: 'closeEvidenceWindow' } },
        },
        awaitingRuling: {},
      },
    },
    archived: { type: 'final' },
  },
});

export type CaseMachine = typeof caseMachine;
