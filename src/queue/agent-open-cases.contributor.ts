import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CaseChangeContributors, type CaseChangeContributor, type CaseStep, type CaseWrite } from '../cases/case-change.js';
import { netOpenCasesDeltas, openCasesDeltas } from './agent-open-cases.js';

/**
 * Keeps agent_open_cases, the one count of the open cases each agent holds (distribution's capacity,
 * the console's workload, the team figures): moved by every change of a case's assignee or archive.
 */
@Injectable()
export class AgentOpenCasesContributor implements CaseChangeContributor, OnModuleInit {
  constructor(private readonly contributors: CaseChangeContributors) {}

  onModuleInit(): void {
    this.contributors.register(this);
  }

  contribute(steps: readonly CaseStep[]): CaseWrite[] {
    const deltas = netOpenCasesDeltas(steps.flatMap((step) => openCasesDeltas(step.before, step.after)));
    return [
      {
        rows: deltas.map((d) => ({ agent_id: d.agentId, shop_id: d.shopId, delta: d.delta })),
        sql: (from) => `INSERT INTO agent_open_cases AS a (agent_id, shop_id, open)
        SELECT d.agent_id, d.shop_id, d.delta FROM ${from('agent_id uuid, shop_id uuid, delta int')} d ORDER BY d.agent_id
        ON CONFLICT (agent_id) DO UPDATE SET open = a.open + EXCLUDED.open
        RETURNING 1`,
      },
    ];
  }
}
