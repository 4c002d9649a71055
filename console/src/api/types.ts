// The API's own view types: the console breaks at compile time when a view changes.
import type { CaseView, DeadlineView } from '../../../src/cases/case.view';
import type { QueueItem, SlaStatus } from '../../../src/queue/queue-item.view';
import type { EvidenceView } from '../../../src/evidence/evidence.record';
import type { AuditEventView } from '../../../src/audit/audit.repository';
import type { CaseMachineDescription } from '../../../src/cases/machine/case-machine.describe';
import type { ReasonDefinition } from '../../../src/reasons/reason.types';
import type { AgentView } from '../../../src/agents/agent.view';
import type { CaseType } from '../../../src/cases/machine/case.types';
import type { ConsoleBootstrapView } from '../../../src/console/console-bootstrap.view';
import type { CaseChangedData } from '../../../src/stream/stream-events';
import type { Finding } from '../lib/guard-offsets';

export type {
  ConsoleBootstrapView,
  CaseView,
  DeadlineView,
  QueueItem,
  SlaStatus,
  EvidenceView,
  AuditEventView,
  CaseMachineDescription,
  ReasonDefinition,
  AgentView,
  CaseType,
};

export type Role = 'agent' | 'supervisor' | 'auditor';
export type Presence = 'online' | 'away' | 'suspended';
export type Platform = 'taobao' | 'tmall' | 'pinduoduo' | 'jd' | 'wechat' | 'other';

/** GET /v1/console/bootstrap, with the signed-in agent under the name the console uses throughout. */
export type Bootstrap = Omit<ConsoleBootstrapView, 'me'> & { agent: ConsoleBootstrapView['me'] };

export interface SlaCounts {
  overdue: number;
  dueSoon: number;
  ok: number;
  total: number;
}

export interface QueueCounts {
  mine: SlaCounts;
  unassigned: SlaCounts;
  autoApprove: { count: number; amount: number; currency: string };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface EvidenceList {
  items: EvidenceView[];
  checklistReason: string;
  checklist: Array<{ kind: string; provided: boolean; count: number }>;
  submission: { submittedAt: string; packageSha256?: string; [key: string]: unknown } | null;
}

export interface ReasonsResponse {
  reasons: ReasonDefinition[];
  platformLabels: Record<string, Record<string, string>>;
}

export interface CannedReply {
  id: string;
  step: string;
  caseType: CaseType | null;
  title: string;
  body: string;
}

export interface GuardAssessment {
  platform?: string;
  blocked: boolean;
  findings: Finding[];
}

export interface RenderedReply extends GuardAssessment {
  text: string;
  unresolved: string[];
}

/** `event: case.changed` of GET /v1/stream. */
export type CaseChanged = CaseChangedData;
