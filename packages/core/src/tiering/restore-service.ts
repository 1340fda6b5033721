import {
  ARCHIVE_JOB,
  ARCHIVE_STATUS,
  beginRestore,
  failRestore,
  finishMove,
  markMoveRunning,
  parseArchiveProgress,
  recordMoveProgress,
} from "../archive-lifecycle";
import type { Db } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { addJob } from "../jobs";
import { appendAudit, auditFromCtx } from "../services/audit-service";
import { requireVisibleDataset } from "../services/reader-access";
import type { StorageDriver } from "../storage/storage-driver";
import { requirePermission, SYSTEM_ACTOR, type TenantCtx } from "../tenant-context";
import { restoreObject } from "./archive-objects";
import { readDatasetObjects } from "./dataset-objects";

/**
 * The Restore action: an ARCHIVED dataset of the caller's tenant starts
 * RESTORING and a restore job is queued, in one transaction. Pressing it
 * again while it restores answers the running restore.
 */
export async function requestRestore(db: Db, ctx: TenantCtx, datasetId: string) {
  requirePermission(ctx, "dataset.write");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await tx.dataset.findFirst({
      where: { id: datasetId, tenantId: ctx.tenantId },
      select: { archiveStatus: true, archiveProgress: true },
    });
    if (!d) throw notFound("dataset");
    await requireVisibleDataset(tx, ctx, { datasetId, what: "dataset" });
    if (d.archiveStatus === ARCHIVE_STATUS.RESTORING) {
      return { archiveStatus: d.archiveStatus, progress: parseArchiveProgress(d.archiveProgress) };
    }
    if (d.archiveStatus !== ARCHIVE_STATUS.ARCHIVED) throw new DomainError("CONFLICT", "This dataset is not archived.");
    if (!(await beginRestore(tx, { tenantId: ctx.tenantId, datasetId, createdBy: ctx.actor.id }))) {
      throw new DomainError("CONFLICT", "This dataset changed meanwhile; reload the page.");
    }
    await addJob(tx, "restore-dataset", { datasetId }, { jobKey: `restore:${datasetId}`, maxAttempts: 5 });
    await appendAudit(tx, auditFromCtx(ctx, "dataset.restore_requested", datasetId));
    return { archiveStatus: ARCHIVE_STATUS.RESTORING, progress: parseArchiveProgress({}) };
  });
}

/**
 * The restore job: brings each object back to the warm tier and records
 * progress in the dataset row. "pending" while S3 is still thawing objects
 * of a GLACIER-class archive (the task looks again later); at the end the
 * dataset is WARM and queryable, its Job SUCCEEDED, audited.
 */
export async function restoreDataset(db: Db, storage: StorageDriver, datasetId: string): Promise<"done" | "pending"> {
  const d = await systemTx(db, async (tx) => {
    const row = await tx.dataset.findUnique({
      where: { id: datasetId },
      select: { tenantId: true, archiveStatus: true },
    });
    if (row?.archiveStatus === ARCHIVE_STATUS.RESTORING) await markMoveRunning(tx, datasetId, ARCHIVE_JOB.restore);
    return row;
  });
  if (d?.archiveStatus !== ARCHIVE_STATUS.RESTORING) return "done";
  const { keys } = await systemTx(db, (tx) => readDatasetObjects(tx, datasetId));
  let done = 0;
  let pending = 0;
  let bytes = 0;
  for (const key of keys) {
    if ((await restoreObject(storage, key)) === "pending") {
      pending++;
    } else {
      done++;
      bytes += (await storage.stat(key))?.size ?? 0;
    }
    await systemTx(db, (tx) => recordMoveProgress(tx, datasetId, { done, total: keys.length, bytes }));
  }
  if (pending) return "pending";
  await systemTx(db, async (tx) => {
    if (!(await finishMove(tx, datasetId, "restore"))) return;
    await appendAudit(tx, {
      tenantId: d.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.restore",
      target: datasetId,
      metadata: { objects: keys.length },
    });
  });
  return "done";
}

/** A restore job out of attempts: the dataset goes back to ARCHIVED with the error shown on its page. */
export async function giveUpRestore(db: Db, datasetId: string, error: string): Promise<void> {
  await systemTx(db, (tx) => failRestore(tx, datasetId, error));
}
