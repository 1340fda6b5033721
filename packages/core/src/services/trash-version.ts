import type { Tx } from "../db/client";
import { DomainError } from "../errors";
import type { TrashReason } from "../lifecycle/deletion-lifecycle";

export interface LockedDataset {
  id: string;
  tenantId: string;
  name: string;
  readyVersion: number | null;
  trashedAt: Date | null;
}

/**
 * The dataset row, locked until the transaction ends: deletes, restores,
 * rollbacks and the sweep's tombstone of one dataset happen one at a time.
 */
export async function lockDataset(tx: Tx, tenantId: string, datasetId: string): Promise<LockedDataset | null> {
  const rows = await tx.$queryRaw<LockedDataset[]>`
    SELECT id, "tenantId", name, "readyVersion", "trashedAt" FROM "Dataset"
     WHERE id = ${datasetId} AND "tenantId" = ${tenantId} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * One version into the trash (a user's delete or the old-version policy),
 * with its TrashItem. When it is the queried version, the newest other READY
 * version takes its place; with none left the caller is told to delete the
 * dataset instead.
 */
export async function trashVersion(
  tx: Tx,
  input: { dataset: LockedDataset; version: number; deletedBy: string; reason: TrashReason; storedBytes: bigint },
): Promise<{ trashItemId: string; deletedAt: Date; queriedVersion: number | null }> {
  const { dataset: d, version } = input;
  let queried = d.readyVersion;
  if (queried === version) {
    const next = await tx.datasetVersion.findFirst({
      where: { datasetId: d.id, status: "READY", trashedAt: null, version: { not: version } },
      orderBy: { version: "desc" },
    });
    if (!next) {
      throw new DomainError(
        "CONFLICT",
        `Version ${version} is the only ready version of "${d.name}": delete the dataset instead.`,
      );
    }
    queried = next.version;
    await tx.dataset.update({ where: { id: d.id }, data: { readyVersion: queried } });
  }
  const now = new Date();
  await tx.datasetVersion.update({
    where: { datasetId_version: { datasetId: d.id, version } },
    data: { trashedAt: now },
  });
  const item = await tx.trashItem.create({
    data: {
      tenantId: d.tenantId,
      datasetId: d.id,
      version,
      datasetName: d.name,
      reason: input.reason,
      deletedBy: input.deletedBy,
      deletedAt: now,
      storedBytes: input.storedBytes,
    },
  });
  return { trashItemId: item.id, deletedAt: now, queriedVersion: queried };
}
