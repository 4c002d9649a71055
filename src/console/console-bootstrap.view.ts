import { ApiProperty, PickType } from '@nestjs/swagger';
import { AGENT_ROLES, PRESENCES, type AgentRole, type Presence } from '../agents/agent.record.js';
import { ShopView } from '../shops/shop.view.js';

export class BootstrapMe {
  @ApiProperty({ format: 'uuid', example: '6f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21' })
  id!: string;

  @ApiProperty({ example: 'xiaoli@example.com' })
  email!: string;

  @ApiProperty({ example: '小李' })
  displayName!: string;

  @ApiProperty({ enum: AGENT_ROLES, example: 'agent' })
  role!: AgentRole;

  @ApiProperty({ enum: PRESENCES, example: 'online' })
  presence!: Presence;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Most open cases by claim, distribution or transfer; null: no limit', example: 10 })
  maxOpenCases!: number | null;

  @ApiProperty({ type: 'integer', description: 'Cases assigned to me that are not archived', example: 7 })
  openCases!: number;

  @ApiProperty({ format: 'date-time', description: 'When this session ends (SESSION_TTL_HOURS after sign-in)', example: '2026-11-20T21:30:00.000Z' })
  sessionExpiresAt!: string;
}

/** The shop as the console needs it: the shop view without its timestamps. */
export class BootstrapShop extends PickType(ShopView, ['id', 'slug', 'name', 'platform', 'timezone', 'policy', 'distributionEnabled'] as const) {}

/** What the console may offer a signed-in agent; the API enforces the same rules whatever the console shows. */
export interface Capabilities {
  /** Take the next unassigned case (POST /v1/queue/claim). */
  claim: boolean;
  /** Assign any case to anyone who works cases (PUT /v1/cases/:id/assignee on others' cases). */
  assign: boolean;
  /** Transfer (转交) or release one's own cases (PUT /v1/cases/:id/assignee). */
  transfer: boolean;
  /** Send playbook events on cases (POST /v1/cases/:id/events): contact, verify, propose… */
  workCases: boolean;
  /** Upload evidence files (POST /v1/cases/:id/evidence). */
  uploadEvidence: boolean;
  /** Send a reply the compliance guard blocks, with a reason (`guardOverride`). */
  overrideGuard: boolean;
  /** Verify the audit chains and read the export access log (GET /v1/audit/verify, /access-log). */
  readAudit: boolean;
  /** Bulk-export audit events (GET /v1/audit/export). */
  exportAudit: boolean;
  /** Unmasked buyer phone numbers and addresses in exports (`includePersonalData=true`). */
  exportPersonalData: boolean;
  /** Create, edit and delete canned replies. */
  manageReplies: boolean;
  /** Change the shop: policy windows, time zone, distribution (分流). */
  manageShop: boolean;
  /** Create, change and deactivate agent accounts. */
  manageAgents: boolean;
  /** Create and revoke the shop's API keys. */
  manageApiKeys: boolean;
  /** Create, change, rotate and redeliver webhook endpoints. */
  manageWebhooks: boolean;
  /** Read the after-sales metrics. */
  readMetrics: boolean;
}

export class CapabilitiesView implements Capabilities {
  @ApiProperty({ description: 'Take the next unassigned case (POST /v1/queue/claim)', example: true })
  claim!: boolean;

  @ApiProperty({ description: 'Assign any case to anyone who works cases (supervisors)', example: false })
  assign!: boolean;

  @ApiProperty({ description: 'Transfer (转交) or release one’s own cases', example: true })
  transfer!: boolean;

  @ApiProperty({ description: 'Send playbook events (contact, verify, apologise, propose, …)', example: true })
  workCases!: boolean;

  @ApiProperty({ description: 'Upload evidence files', example: true })
  uploadEvidence!: boolean;

  @ApiProperty({ description: 'Send a reply the compliance guard blocks, with a reason (supervisors)', example: false })
  overrideGuard!: boolean;

  @ApiProperty({ description: 'Verify audit chains and read the export access log', example: false })
  readAudit!: boolean;

  @ApiProperty({ description: 'Bulk-export audit events', example: false })
  exportAudit!: boolean;

  @ApiProperty({ description: 'Export buyer phone numbers and addresses unmasked (auditors)', example: false })
  exportPersonalData!: boolean;

  @ApiProperty({ description: 'Create, edit and delete canned replies', example: false })
  manageReplies!: boolean;

  @ApiProperty({ description: 'Change the shop’s policy windows, time zone and distribution', example: false })
  manageShop!: boolean;

  @ApiProperty({ description: 'Create, change and deactivate agent accounts', example: false })
  manageAgents!: boolean;

  @ApiProperty({ description: 'Create and revoke API keys', example: false })
  manageApiKeys!: boolean;

  @ApiProperty({ description: 'Manage webhook endpoints', example: false })
  manageWebhooks!: boolean;

  @ApiProperty({ description: 'Read the after-sales metrics', example: true })
  readMetrics!: boolean;
}

export class ConsoleBootstrapView {
  @ApiProperty({ type: BootstrapMe })
  me!: BootstrapMe;

  @ApiProperty({ type: BootstrapShop })
  shop!: BootstrapShop;

  @ApiProperty({ format: 'date-time', description: 'The server’s time: countdowns correct the browser clock by it', example: '2026-11-20T09:30:00.000Z' })
  serverTime!: string;

  @ApiProperty({
    type: 'integer',
    description: 'How long before a merchant deadline a case counts as due soon (queue `sla`, `deadline.approaching` webhooks): DEADLINE_WARNING_LEAD_MINUTES',
    example: 360,
  })
  deadlineWarningLeadMinutes!: number;

  @ApiProperty({ type: CapabilitiesView, description: 'What my role may do; the API enforces the same rules' })
  capabilities!: CapabilitiesView;
}
