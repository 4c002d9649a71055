import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AgentsController } from '../agents/agents.controller.js';
import { AuditController } from '../audit/audit.controller.js';
import { assertMayIncludePersonalData } from '../audit/export-access.js';
import { CasesController } from '../flows/cases.controller.js';
import { allowedCallers } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { EvidenceController } from '../evidence/evidence.controller.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { assertShopAccess } from '../shops/shop-access.js';
import { ApiKeysController } from '../shops/api-keys.controller.js';
import { ShopsController } from '../shops/shops.controller.js';
import { mayAssignAnyCase } from '../queue/assignment.service.js';
import { QueueController } from '../queue/queue.controller.js';
import { CannedRepliesController } from '../replies/canned-replies.controller.js';
import { mayOverrideReplyGuard } from '../replies/reply-guard.service.js';
import { WebhooksController } from '../webhooks/webhooks.controller.js';
import type { Capabilities } from './console-bootstrap.view.js';

/** A capability that is exactly "may call this route": read from the route's own `@Allow`. */
const ROUTES: Record<string, [Type, string]> = {
  claim: [QueueController, 'claim'],
  transfer: [QueueController, 'assign'],
  workCases: [CasesController, 'send'],
  uploadEvidence: [EvidenceController, 'upload'],
  readAudit: [AuditController, 'verify'],
  exportAudit: [AuditController, 'export'],
  manageReplies: [CannedRepliesController, 'create'],
  manageShop: [ShopsController, 'update'],
  manageAgents: [AgentsController, 'create'],
  manageApiKeys: [ApiKeysController, 'create'],
  manageWebhooks: [WebhooksController, 'create'],
  readMetrics: [MetricsController, 'summary'],
};

const reflector = new Reflector();

function mayCall(principal: AgentPrincipal, [controller, method]: [Type, string]): boolean {
  const handler = (controller.prototype as Record<string, unknown>)[method];
  if (typeof handler !== 'function') throw new Error(`${controller.name}.${method} is not a route handler`);
  return allowedCallers(reflector, handler, controller).includes(principal.role);
}

function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/**
 * The capabilities of a signed-in agent, from the rules the API applies: each route's `@Allow` list, and
 * the checks services make beyond it (who assigns any case, who overrides the guard, who sees personal
 * data, who manages the shop).
 */
export function capabilitiesOf(principal: AgentPrincipal): Capabilities {
  const route = (name: keyof typeof ROUTES) => mayCall(principal, ROUTES[name]);
  return {
    claim: route('claim'),
    assign: route('transfer') && mayAssignAnyCase(principal),
    transfer: route('transfer'),
    workCases: route('workCases'),
    uploadEvidence: route('uploadEvidence'),
    overrideGuard: route('workCases') && mayOverrideReplyGuard(principal),
    readAudit: route('readAudit'),
    exportAudit: route('exportAudit'),
    exportPersonalData: route('exportAudit') && passes(() => assertMayIncludePersonalData(principal, true)),
    manageReplies: route('manageReplies'),
    manageShop: route('manageShop') && passes(() => assertShopAccess(principal, principal.shopId, 'manage')),
    manageAgents: route('manageAgents'),
    manageApiKeys: route('manageApiKeys'),
    manageWebhooks: route('manageWebhooks'),
    readMetrics: route('readMetrics'),
  };
}
