import path from "node:path";
import { ARCHIVE_JOB, ARCHIVE_STATUS, beginArchive, finishMove, recordMoveProgress } from "../archive-lifecycle";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { appendAudit } from "../services/audit-service";
import { adjustStorageUsed } from "../services/quota-service";
import type { StorageDriver } from "../storage/storage-driver";
import { SYSTEM_ACTOR } from "../tenant-context";
import { archiveObject, type Recompress } from "./archive-objects";
import type { ColdDataset } from "./cold-datasets";
import { readDatasetObjects } from "./dataset-objects";

export interface ArchiveDeps {
  db: Db;
  storage: StorageDriver;
  config: Config;
  recompress: Recompress;
}

/**
 * Moves every version of one dataset to the cold tier. The dataset is
 * ARCHIVING (queries refuse it) while objects move; each object moves
 * idempotently, so a worker that stops mid-way leaves it ARCHIVING and the
 * next run finishes the move. Recompression changes sizes: the versions'
 * storedBytes and the storage counter follow, and archived bytes keep
 * counting against the tenant's storage.
 */
export async function archiveDataset(deps: ArchiveDeps, d: ColdDataset): Promise<boolean> {
  const { db, storage } = deps;
  const started = await systemTx(db, async (tx) => {
    const row = await tx.dataset.findUnique({ where: { id: d.datasetId }, select: { archiveStatus: true } });
    if (row?.archiveStatus === ARCHIVE_STATUS.ARCHIVING) return true;
    return beginArchive(tx, { ...d, createdBy: SYSTEM_ACTOR.id });
  });
  if (!started) return false;
  const { versions, keys } = await systemTx(db, (tx) => readDatasetObjects(tx, d.datasetId));
  const sizes = new Map<string, number>();
  const scratch = path.join(deps.config.dataDir, "work", `archive-${d.datasetId}.parquet`);
  for (const key of keys) {
    sizes.set(key, await archiveObject(storage, key, { config: deps.config, recompress: deps.recompress, scratch }));
    const bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
    await systemTx(db, (tx) => recordMoveProgress(tx, d.datasetId, { done: sizes.size, total: keys.length, bytes }));
  }
  return systemTx(db, async (tx) => {
    let before = 0n;
    let after = 0n;
    for (const v of versions) {
      const stored = v.own.reduce((n, k) => n + BigInt(sizes.get(k) ?? 0), 0n);
      before += v.storedBytes;
      after += stored;
      if (stored !== v.storedBytes) {
        await tx.datasetVersion.update({ where: { id: v.id }, data: { storedBytes: stored } });
      }
    }
    if (!(await finishMove(tx, d.datasetId, "archive"))) return false;
    await adjustStorageUsed(tx, d.tenantId, after - before);
    await appendAudit(tx, {
      tenantId: d.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.archive",
      target: d.datasetId,
      metadata: {
        objects: keys.length,
        bytesBefore: before,
        bytesAfter: after,
        tier: storage.kind === "s3" ? `storage class ${deps.config.S3_ARCHIVE_STORAGE_CLASS}` : "archive prefix",
        job: ARCHIVE_JOB.archive,
      },
    });
    return true;
  });
}
