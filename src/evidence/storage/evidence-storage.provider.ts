import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { Environment, evidenceDirOf } from '../../platform/config/environment.js';
import { EvidenceStorage } from './evidence-storage.js';
import { LocalEvidenceStorage } from './local-evidence-storage.js';
import { S3EvidenceStorage } from './s3-evidence-storage.js';

/** The store EVIDENCE_STORAGE selects, its folders created before the first request. */
export const evidenceStorageProvider: Provider = {
  provide: EvidenceStorage,
  inject: [Environment],
  useFactory: async (env: Environment): Promise<EvidenceStorage> => {
    const dir = evidenceDirOf(env);
    if (env.EVIDENCE_STORAGE === 'local') {
      const storage = new LocalEvidenceStorage(dir);
      await storage.init();
      return storage;
    }
    const storage = new S3EvidenceStorage({
      bucket: env.EVIDENCE_S3_BUCKET!,
      prefix: env.EVIDENCE_S3_PREFIX,
      region: env.EVIDENCE_S3_REGION,
      endpoint: env.EVIDENCE_S3_ENDPOINT,
      forcePathStyle: env.EVIDENCE_S3_FORCE_PATH_STYLE,
      credentials:
        env.EVIDENCE_S3_ACCESS_KEY_ID && env.EVIDENCE_S3_SECRET_ACCESS_KEY
          ? { accessKeyId: env.EVIDENCE_S3_ACCESS_KEY_ID, secretAccessKey: env.EVIDENCE_S3_SECRET_ACCESS_KEY }
          : undefined,
      spoolDir: join(dir, '.incoming'),
    });
    await storage.init();
    return storage;
  },
};
