import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { EvidenceBlobsRepository } from './evidence-blobs.repository.js';
import { EvidenceOrphanCollector } from './evidence-orphan-collector.js';
import { EvidenceUploadKeys } from './evidence-upload-keys.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceRepository } from './evidence.repository.js';
import { EvidenceService } from './evidence.service.js';
import { evidenceStorageProvider } from './storage/evidence-storage.provider.js';

@Module({
  imports: [CaseEngineModule],
  controllers: [EvidenceController],
  providers: [EvidenceService, EvidenceRepository, EvidenceBlobsRepository, EvidenceUploadKeys, EvidenceOrphanCollector, evidenceStorageProvider],
  exports: [EvidenceService, EvidenceRepository, evidenceStorageProvider],
})
export class EvidenceModule {}
