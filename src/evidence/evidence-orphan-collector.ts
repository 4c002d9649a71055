import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../platform/clock/clock.js';
import { PeriodicTask } from '../platform/periodic-task.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { EvidenceBlobsRepository } from './evidence-blobs.repository.js';
import { EvidenceStorage } from './storage/evidence-storage.js';

const COLLECT_EVERY_MS = 60 * 60_000;
const BATCH = 100;

export interface OrphanCollection {
  /** Hashes of abandoned uploads looked at. */
  checked: number;
  /** Blobs deleted from the store: no evidence row referenced them and no recent upload may. */
  deleted: number;
}

/**
 * Deletes blobs that no evidence references: the bytes of uploads refused after they went into the store
 * (the window closed meanwhile, the transaction failed) or whose process died. Candidates are the uploads
 * noted in evidence_blob_uploads and still unrecorded after EVIDENCE_ORPHAN_GRACE_HOURS, so the store is
 * never listed. A blob is shared by every upload of the same bytes: it goes only when no evidence row
 * references it and no upload of it started within the grace period. Runs hourly on every instance; one
 * instance at a time does the work.
 */
@Injectable()
export class EvidenceOrphanCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvidenceOrphanCollector.name);
  private readonly task = new PeriodicTask('evidence orphan collection', COLLECT_EVERY_MS, () => this.collect(), this.logger);

  constructor(
    private readonly transactions: Transactions,
    private readonly blobs: EvidenceBlobsRepository,
    private readonly storage: EvidenceStorage,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Collects batches until no abandoned upload is left (or another instance is collecting). */
  async collect(): Promise<OrphanCollection> {
    const total: OrphanCollection = { checked: 0, deleted: 0 };
    for (;;) {
      const batch = await this.collectBatch();
      total.checked += batch.checked;
      total.deleted += batch.deleted;
      if (batch.checked < BATCH) break;
    }
    if (total.deleted > 0) this.logger.log({ ...total }, 'orphaned evidence blobs deleted');
    return total;
  }

  private collectBatch(): Promise<OrphanCollection> {
    const cutoff = new Date(this.clock.now().getTime() - this.env.EVIDENCE_ORPHAN_GRACE_HOURS * 3_600_000);
    // A retried transaction deletes the same blobs again, which the store takes as a no-op.
    return this.transactions.run(async (tx) => {
      if (!(await this.blobs.tryLockCollector(tx))) return { checked: 0, deleted: 0 };
      const hashes = await this.blobs.abandonedHashes(tx, cutoff, BATCH);
      let deleted = 0;
      for (const sha256 of hashes) {
        // Held until commit: an upload of these bytes starting now waits, then stores them again.
        await this.blobs.lockHash(tx, sha256);
        if (!(await this.blobs.inUse(tx, sha256, cutoff))) {
          await this.storage.delete(sha256);
          deleted++;
        }
        await this.blobs.forgetAbandoned(tx, sha256, cutoff);
      }
      return { checked: hashes.length, deleted };
    });
  }
}
