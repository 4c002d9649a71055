import type { ShopPrincipal } from '../platform/auth/principal.js';
import { EvidenceException } from '../evidence/evidence.problems.js';

/** Buyer personal data leaves the service unmasked only for auditors who ask for it. */
export function assertMayIncludePersonalData(principal: ShopPrincipal, includePersonalData: boolean): void {
  if (includePersonalData && !(principal.kind === 'agent' && principal.role === 'auditor')) {
    throw new EvidenceException('PERSONAL_DATA_AUDITORS_ONLY', 'Ask an auditor: only auditors may export buyer phone numbers and addresses.');
  }
}
