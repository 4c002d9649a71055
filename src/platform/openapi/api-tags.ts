import { ApiTags } from '@nestjs/swagger';

/**
 * The sections of the API, in the order the document lists them. The README and docs/api.md use the
 * same headings, so a reader can move between them.
 */
export const API_TAGS = [
  { name: 'Shops and API keys', description: 'Shops (tenants) with their after-sales policy windows, and the API keys their order systems call with.' },
  { name: 'Agents and sign-in', description: 'Agent accounts (agent, supervisor, auditor), sign-in to a session token, presence.' },
  { name: 'Cases', description: 'Open a case from a platform request, read it, send it events, read its timeline.' },
  { name: 'Orders', description: 'What the order system reports about an order after its first case: status, paid total, shipping, items.' },
  { name: 'Evidence and disputes', description: 'Evidence files, the checklist a reason calls for, the submitted package, and the dispute dossier.' },
  { name: 'Queue', description: 'The agent workbench: the queue in deadline order, claiming the next case, assignment and transfer (转交).' },
  { name: 'Replies', description: 'Canned replies (快捷短语), filling them with a case’s facts, and the platform compliance guard.' },
  { name: 'Audit', description: 'Hash-chain verification, bulk export of audit events, and the access log of exports.' },
  { name: 'Webhooks', description: 'Endpoints signed per Standard Webhooks, their delivery log, secret rotation and redelivery.' },
  { name: 'Change feed', description: 'Every case change in commit order from a cursor: catch up after missed webhooks.' },
  { name: 'Metrics', description: 'After-sales figures per shop day and agent, and what the order system reports for them (paid orders, ratings).' },
  { name: 'Reference', description: 'The reason taxonomy and the case machine: states, events, deadlines.' },
  { name: 'Health', description: 'Liveness and readiness for orchestrators; no credentials.' },
] as const;

export type ApiTagName = (typeof API_TAGS)[number]['name'];

/** The one section of the document a controller's operations belong to. */
export function ApiTag(name: ApiTagName): ClassDecorator & MethodDecorator {
  return ApiTags(name);
}
