import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { VERSION_STATUS } from "../ingest-status";
import { datasetVersionPrefix } from "../keys";
import { adjustStorageUsed } from "./quota-service";

/** The prefix of a discarded version's own parts, or null when nothing is left to remove. */
export async function findDiscardedParts(db: Db, versionId: string): Promise<string | null> {
  const v = await systemTx(db, (tx) => tx.datasetVersion.findUnique({ where: { id: versionId } }));
  if (!v || v.status !== VERSION_STATUS.CANCELLED || v.storedBytes === 0n) return null;
  return datasetVersionPrefix(v.tenantId, v.datasetId, v.version);
}

/**
 * After its parts are gone: the version holds no bytes and its tenant's
 * storage is released. Idempotent, and once only when two runs overlap: the
 * bytes are given back only by the run whose update still found them (a
 * second run's update waits for the first and then finds none).
 */
export async function releaseDiscardedParts(db: Db, versionId: string): Promise<void> {
  await systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUnique({ where: { id: versionId } });
    if (!v || v.status !== VERSION_STATUS.CANCELLED || v.storedBytes === 0n) return;
    const { count } = await tx.datasetVersion.updateMany({
      where: { id: v.id, status: VERSION_STATUS.CANCELLED, storedBytes: v.storedBytes },
      data: { storedBytes: 0n, files: [] },
    });
    if (count === 1) await adjustStorageUsed(tx, v.tenantId, -v.storedBytes);
  });
}
