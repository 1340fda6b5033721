import { z } from "zod";
import type { Tx } from "../db/client";
import type { TrashStatus } from "../db/generated/enums";

/**
 * The deletion life cycle. A deleted dataset or version is a TrashItem:
 *
 *   TRASHED ──restore──▶ RESTORED
 *      │ (trashDays later, the sweep)
 *      ▼
 *   PURGING  the tombstone: its object list is committed before any object is deleted
 *      │ (every object deleted; quota given back in the same transaction)
 *      ▼
 *   PURGED
 *
 * Each transition updates the item and its Job row (kind "purge") together.
 */
export const TRASH_STATUS = {
  /** Restorable: the objects are all there and still count against the quota. */
  restorable: ["TRASHED"],
  /** Tombstoned: the sweep owns its objects; a crashed sweep resumes from here. */
  sweeping: ["PURGING"],
  /** Objects still in storage and in the quota: the trash the tenant pays for. */
  holdingObjects: ["TRASHED", "PURGING"],
  /** Nothing more happens to these. */
  settled: ["RESTORED", "PURGED"],
} as const satisfies Record<string, readonly TrashStatus[]>;

export const PURGE_JOB_KIND = "purge";

/** Why an item is in the trash. */
export const TRASH_REASONS = { user: "user", retention: "retention" } as const;
export type TrashReason = (typeof TRASH_REASONS)[keyof typeof TRASH_REASONS];

/** One object of a tombstone: a Parquet part (one key) or an upload (its key and the store's sidecars). */
export const ZTrashObject = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  // A stream segment: its size is what it counts against the quota (0 once compacted into a part).
  kind: z.enum(["part", "upload", "segment"]),
});
export type TrashObject = z.infer<typeof ZTrashObject>;
export const ZTrashObjects = z.array(ZTrashObject);

export function parseTrashObjects(v: unknown): TrashObject[] {
  return ZTrashObjects.parse(v);
}

export function bytesOf(objects: TrashObject[]): bigint {
  return objects.reduce((s, o) => s + BigInt(o.size), 0n);
}

const has = (set: readonly TrashStatus[], s: TrashStatus) => set.includes(s);
export const isRestorable = (s: TrashStatus) => has(TRASH_STATUS.restorable, s);

/** TRASHED -> RESTORED. False when the item was not restorable (already purging, purged or restored). */
export async function markRestored(tx: Tx, itemId: string): Promise<boolean> {
  const n = await tx.trashItem.updateMany({
    where: { id: itemId, status: { in: [...TRASH_STATUS.restorable] } },
    data: { status: "RESTORED", restoredAt: new Date() },
  });
  return n.count === 1;
}

/** TRASHED -> PURGING with its object list (the tombstone), and its Job row RUNNING. */
export async function markPurging(
  tx: Tx,
  item: { id: string; tenantId: string },
  objects: TrashObject[],
): Promise<boolean> {
  const now = new Date();
  const n = await tx.trashItem.updateMany({
    where: { id: item.id, status: { in: [...TRASH_STATUS.restorable] } },
    data: { status: "PURGING", objects, purgeStartedAt: now },
  });
  if (n.count !== 1) return false;
  await tx.job.create({
    data: {
      tenantId: item.tenantId,
      kind: PURGE_JOB_KIND,
      targetId: item.id,
      createdBy: "system",
      status: "RUNNING",
      startedAt: now,
    },
  });
  return true;
}

/** PURGING -> PURGED with the bytes given back, and its Job row SUCCEEDED. False when another sweep finished it. */
export async function markPurged(tx: Tx, itemId: string, freedBytes: bigint): Promise<boolean> {
  const now = new Date();
  const n = await tx.trashItem.updateMany({
    where: { id: itemId, status: { in: [...TRASH_STATUS.sweeping] } },
    data: { status: "PURGED", freedBytes, purgedAt: now },
  });
  if (n.count !== 1) return false;
  await tx.job.updateMany({
    where: { targetId: itemId, kind: PURGE_JOB_KIND, status: "RUNNING" },
    data: { status: "SUCCEEDED", finishedAt: now },
  });
  return true;
}

/**
 * TRASHED -> PURGED without a sweep of its own: a version item whose whole
 * dataset was purged (that purge removed its objects). No Job row: no work ran for it.
 */
export async function markPurgedWithDataset(tx: Tx, datasetId: string): Promise<number> {
  const n = await tx.trashItem.updateMany({
    where: { datasetId, version: { not: null }, status: { in: [...TRASH_STATUS.restorable] } },
    data: { status: "PURGED", purgedAt: new Date() },
  });
  return n.count;
}

/** When an item leaves the trash for good, by the tenant's trashDays. */
export function purgeDate(deletedAt: Date, trashDays: number): Date {
  return new Date(deletedAt.getTime() + trashDays * 86_400_000);
}
