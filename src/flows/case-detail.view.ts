import { ApiProperty } from '@nestjs/swagger';
import { CaseView } from '../cases/case.view.js';
import { CaseEvidenceSummary } from '../evidence/evidence.record.js';

/** One case as GET /v1/cases/{caseId} answers it: the case and where its evidence stands. */
export class CaseDetail extends CaseView {
  @ApiProperty({ type: CaseEvidenceSummary })
  evidence!: CaseEvidenceSummary;
}
