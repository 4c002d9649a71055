import type { ReasonCategory } from '../reasons/reason.types.js';
import type { CaseOutcome, CaseType } from './machine/case.types.js';
import type { PersistedCaseSnapshot } from './machine/case-machine.queries.js';

export interface Buyer {
  id: string;
  nickname?: string;
  phone?: string;
  address?: string;
}

/** A case as stored: the machine snapshot plus the columns queries filter and sort on. */
export interface CaseRecord {
  id: string;
  shopId: string;
  orderId: string;
  type: CaseType;
  platform: string;
  platformCaseId: string | null;
  state: string;
  version: number;
  machineVersion: number;
  snapshot: PersistedCaseSnapshot;
  currency: string;
  requestedAmount: number;
  reservedAmount: number;
  refundedAmount: number;
  claimedReasonCode: string;
  claimedReasonCategory: ReasonCategory;
  platformReason: string | null;
  verifiedReasonCode: string | null;
  verifiedReasonCategory: ReasonCategory | null;
  reasonRecoded: boolean;
  buyer: Buyer;
  buyerText: string | null;
  outcome: CaseOutcome | null;
  assigneeId: string | null;
  /** The most urgent merchant deadline (see mostUrgentDeadline), kept with the case for the queue order. */
  dueAt: Date | null;
  dueTimer: string | null;
  /** The platform has been asked to intervene (平台介入). */
  disputed: boolean;
  requestedAt: Date;
  openedAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
  eventSeq: number;
  chainHead: string;
}

/** The stored form of `dueAt`: no running deadline is 'infinity', which sorts after every deadline. */
export function dueAtColumn(dueAt: Date | null): Date | string {
  return dueAt ?? 'infinity';
}

/** `dueAt` as read back: 'infinity' (no running deadline) is null. */
export function toDueAt(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  return date && Number.isFinite(date.getTime()) ? date : null;
}
