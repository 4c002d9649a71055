import { Foundation1795300000000 } from './1795300000000-foundation.js';
import { CaseEngine1795310000000 } from './1795310000000-case-engine.js';
import { IdempotencyKeys1795320000000 } from './1795320000000-idempotency-keys.js';
import { Integration1795330000000 } from './1795330000000-integration.js';
import { EvidenceAudit1795340000000 } from './1795340000000-evidence-audit.js';
import { Workbench1795350000000 } from './1795350000000-workbench.js';
import { Metrics1795360000000 } from './1795360000000-metrics.js';
import { WebhookSafety1795370000000 } from './1795370000000-webhook-safety.js';
import { EvidenceUploads1795380000000 } from './1795380000000-evidence-uploads.js';
import { CaseSearch1795390000000 } from './1795390000000-case-search.js';
import { DeadlineWarnings1795400000000 } from './1795400000000-deadline-warnings.js';
import { TimerRetries1795410000000 } from './1795410000000-timer-retries.js';

/** Every migration, oldest first; migrations are written by hand, one file per change, and listed here. */
export const migrations = [
  Foundation1795300000000,
  CaseEngine1795310000000,
  IdempotencyKeys1795320000000,
  Integration1795330000000,
  EvidenceAudit1795340000000,
  Workbench1795350000000,
  Metrics1795360000000,
  WebhookSafety1795370000000,
  EvidenceUploads1795380000000,
  CaseSearch1795390000000,
  DeadlineWarnings1795400000000,
  TimerRetries1795410000000,
];
