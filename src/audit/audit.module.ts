import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { AccessLogRepository } from './access-log.repository.js';
import { AuditRepository } from './audit.repository.js';
import { AuditController, DossierController } from './audit.controller.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditService } from './audit.service.js';
import { DossierService } from './dossier.service.js';

@Module({
  imports: [CaseEngineModule, EvidenceModule],
  controllers: [AuditController, DossierController],
  providers: [AuditService, AuditExportService, DossierService, AccessLogRepository, AuditRepository],
  exports: [AuditRepository],
})
export class AuditModule {}
