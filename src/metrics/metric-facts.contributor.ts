import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CaseChangeContributors, type CaseChangeContributor, type CaseStep, type CaseWrite } from '../cases/case-change.js';
import { metricFactsOf } from './metric-facts.js';

/** Writes the metric facts of every case change; a fact the case already has (metric_facts_once_key) is skipped. */
@Injectable()
export class MetricFactsContributor implements CaseChangeContributor, OnModuleInit {
  constructor(private readonly contributors: CaseChangeContributors) {}

  onModuleInit(): void {
    this.contributors.register(this);
  }

  contribute(steps: readonly CaseStep[]): CaseWrite[] {
    const facts = steps.flatMap((step) => metricFactsOf(step));
    return [
      {
        rows: facts.map((f) => ({
          shop_id: f.shopId,
          case_id: f.caseId,
          seq: f.seq,
          kind: f.kind,
          at: f.at,
          case_type: f.caseType,
          agent_id: f.agentId,
          label: f.label,
          seconds: f.seconds,
          currency: f.currency,
          amount: f.amount,
        })),
        sql: (from) => `INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, seconds, currency, amount)
        SELECT * FROM ${from('shop_id uuid, case_id uuid, seq int, kind text, at timestamptz, case_type text, agent_id uuid, label text, seconds int, currency text, amount bigint')} f
        ON CONFLICT (case_id, kind) WHERE kind <> 'recoded' DO NOTHING
        RETURNING 1`,
      },
    ];
  }
}
