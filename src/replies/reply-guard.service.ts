import { Injectable } from '@nestjs/common';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import type { Platform } from '../shops/shop.record.js';
import { checkReply, isBlocked, type GuardFinding } from './guard/reply-guard.js';
import { RepliesException } from './replies.problems.js';
import type { GuardAssessment } from './reply.view.js';

/** A supervisor's reason for sending a reply the guard blocks. */
export interface GuardOverride {
  reason: string;
}

/** What the guard found in a reply that was let through, kept with the event that carried it. */
export interface GuardRecord {
  findings: GuardFinding[];
  override: { by: string; reason: string } | null;
}

/** Sending a reply the guard blocks is a supervisor's act: they take responsibility for it. */
export function mayOverrideReplyGuard(principal: ShopPrincipal): boolean {
  return principal.kind === 'agent' && principal.role === 'supervisor';
}

/**
 * Decides whether a text may go to a buyer. Platforms penalise shops for what their agents write, so a
 * blocking finding stops the message unless a supervisor takes responsibility for it; warnings pass and
 * are recorded so reviews can find them.
 */
@Injectable()
export class ReplyGuardService {
  assess(platform: Platform, text: string): GuardAssessment {
    const findings = checkReply(text, platform);
    return { platform, blocked: isBlocked(findings), findings };
  }

  /**
   * For a note the buyer will read (contact, apology, proposal): null when the guard has nothing to say,
   * the findings (and who overrode them) when the note may go out, a problem when it may not.
   */
  screen(input: { platform: Platform; text: string; principal: ShopPrincipal; override?: GuardOverride }): GuardRecord | null {
    const { platform, text, principal, override } = input;
    // Refused even when the text turns out clean: an override is a supervisor's act, whatever it covers.
    if (override && !mayOverrideReplyGuard(principal)) {
      throw new RepliesException('GUARD_OVERRIDE_FORBIDDEN', 'Only a supervisor may override the reply guard; rewrite the reply instead.');
    }
    const { blocked, findings } = this.assess(platform, text);
    if (findings.length === 0) return null;
    if (blocked && !override) this.refuse(platform, findings);
    // `screen` only gets past the check above with an override when the caller is a supervisor agent.
    const overriddenBy = blocked && override && principal.kind === 'agent' ? { by: principal.agentId, reason: override.reason } : null;
    return { findings, override: overriddenBy };
  }

  /** For text stored to be sent later (canned replies): nothing blocking may be saved, and nobody may override it. */
  assertSendable(platform: Platform, text: string): void {
    const { blocked, findings } = this.assess(platform, text);
    if (blocked) this.refuse(platform, findings);
  }

  private refuse(platform: Platform, findings: GuardFinding[]): never {
    const rules = [...new Set(findings.filter((finding) => finding.severity === 'block').map((finding) => finding.rule))];
    throw new RepliesException('REPLY_BLOCKED', `The reply breaks ${platform} rules: ${rules.join(', ')}.`, { findings });
  }
}
