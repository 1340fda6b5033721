import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import {
  bytesOf,
  markPurged,
  markPurgedWithDataset,
  markPurging,
  parseTrashObjects,
  purgeDate,
  TRASH_STATUS,
  type TrashObject,
} from "../lifecycle/deletion-lifecycle";
import { readRetentionPolicy, RETENTION_BOUNDS } from "../retention-policy";
import type { StorageDriver } from "../storage/storage-driver";
import { SYSTEM_ACTOR } from "../tenant-context";
import { appendAudit } from "./audit-service";
import { adjustStorageUsed } from "./quota-service";
import { deleteStreamRows, planSegmentObjects } from "./stream-trash";
import { planCandidates, sizeCandidates } from "./trash-plan";
import { lockDataset } from "./trash-version";

const DAY_MS = 86_400_000;

/** Items whose trash period is over (by their tenant's trashDays at `now`), and tombstoned ones a crash left mid-sweep. */
export async function findDueTrash(db: Db, now = new Date(), limit = 200): Promise<string[]> {
  return systemTx(db, async (tx) => {
    const shortest = new Date(now.getTime() - RETENTION_BOUNDS.trashDays.min * DAY_MS);
    const items = await tx.trashItem.findMany({
      where: {
        OR: [
          { status: { in: [...TRASH_STATUS.sweeping] } },
          { status: { in: [...TRASH_STATUS.restorable] }, deletedAt: { lte: shortest } },
        ],
      },
      orderBy: { deletedAt: "asc" },
      select: { id: true, tenantId: true, status: true, deletedAt: true },
      take: limit * 20,
    });
    const days = new Map<string, number>();
    for (const t of new Set(items.map((i) => i.tenantId))) days.set(t, (await readRetentionPolicy(tx, t)).trashDays);
    return items
      .filter((i) => i.status === "PURGING" || purgeDate(i.deletedAt, days.get(i.tenantId)!) <= now)
      .slice(0, limit)
      .map((i) => i.id);
  });
}

async function isDue(db: Db, item: { tenantId: string; deletedAt: Date }, now: Date): Promise<boolean> {
  const { trashDays } = await systemTx(db, (tx) => readRetentionPolicy(tx, item.tenantId));
  return purgeDate(item.deletedAt, trashDays) <= now;
}

/**
 * The tombstone: the item becomes PURGING with the exact list of objects
 * its sweep removes, committed before any of them is deleted. A PURGING item
 * (a crashed sweep) returns the list it committed. Null: nothing to sweep
 * (restored meanwhile, purged already, or not due).
 */
async function tombstone(db: Db, storage: StorageDriver, itemId: string, now: Date): Promise<TrashObject[] | null> {
  const item = await systemTx(db, (tx) => tx.trashItem.findUnique({ where: { id: itemId } }));
  if (!item) return null;
  if (item.status === "PURGING") return parseTrashObjects(item.objects);
  if (item.status !== "TRASHED" || !(await isDue(db, item, now))) return null;
  // Sizes come from storage before the transaction (listing can be slow); the plan is re-made under the
  // dataset's lock, and can then only have shrunk (another sweep tombstoned some of it meanwhile).
  const sized = await sizeCandidates(storage, await systemTx(db, (tx) => planCandidates(tx, item)));
  return systemTx(db, async (tx) => {
    await lockDataset(tx, item.tenantId, item.datasetId);
    const plan = await planCandidates(tx, item);
    const objects = [...plan.parts, ...plan.uploads].flatMap((k) => sized.get(k) ?? []);
    if (item.version === null) objects.push(...(await planSegmentObjects(tx, item.datasetId)));
    return (await markPurging(tx, item, objects)) ? objects : null;
  });
}

/** PURGED: the quota gives back exactly the tombstone's bytes, the rows go, in one transaction after the objects. */
async function finishPurge(db: Db, itemId: string): Promise<{ freedBytes: bigint } | null> {
  return systemTx(db, async (tx) => {
    const item = await tx.trashItem.findUniqueOrThrow({ where: { id: itemId } });
    const objects = parseTrashObjects(item.objects);
    const freed = bytesOf(objects);
    if (!(await markPurged(tx, item.id, freed))) return null;
    await adjustStorageUsed(tx, item.tenantId, -freed);
    const versions = await tx.datasetVersion.findMany({
      where: { datasetId: item.datasetId, ...(item.version === null ? {} : { version: item.version }) },
      select: { id: true },
    });
    await tx.ingestReject.deleteMany({ where: { versionId: { in: versions.map((v) => v.id) } } });
    if (item.version === null) {
      await tx.dataset.deleteMany({ where: { id: item.datasetId } });
      await deleteStreamRows(tx, item.datasetId);
      await markPurgedWithDataset(tx, item.datasetId);
    } else {
      // The row stays (trashed, listing nothing) so the next version never reuses this number.
      await tx.datasetVersion.updateMany({
        where: { datasetId: item.datasetId, version: item.version },
        data: { files: [], storedBytes: 0n },
      });
    }
    await appendAudit(tx, {
      tenantId: item.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.purge",
      target: item.datasetId,
      metadata: { trashItemId: item.id, version: item.version, objects: objects.length, freedBytes: freed },
    });
    return { freedBytes: freed };
  });
}

export interface PurgeOptions {
  now?: Date;
  /** Called after each object is deleted (tests crash the sweep here). */
  afterDelete?: (o: TrashObject, index: number) => void;
}

/**
 * Purges one trash item: tombstone, then delete every object it lists (an
 * object already gone is fine, so a crashed sweep simply runs again), then
 * PURGED with the quota given back. Null when there was nothing to purge.
 */
export async function purgeTrashItem(db: Db, storage: StorageDriver, itemId: string, opts: PurgeOptions = {}) {
  const objects = await tombstone(db, storage, itemId, opts.now ?? new Date());
  if (!objects) return null;
  for (const [i, o] of objects.entries()) {
    // An upload's key also prefixes the upload store's own sidecar objects (tus metadata).
    if (o.kind === "upload") await storage.deletePrefix(o.key);
    else await storage.delete(o.key);
    opts.afterDelete?.(o, i);
  }
  return finishPurge(db, itemId);
}

/**
 * The sweep (worker cron): every due or half-swept item, oldest first. One
 * item failing (storage down) does not hold up the others; it stays PURGING
 * and the next sweep resumes it.
 */
export async function sweepTrash(db: Db, storage: StorageDriver, opts: PurgeOptions = {}) {
  let purged = 0;
  let freedBytes = 0n;
  const failed: { id: string; error: string }[] = [];
  for (const id of await findDueTrash(db, opts.now)) {
    try {
      const r = await purgeTrashItem(db, storage, id, opts);
      if (r) {
        purged++;
        freedBytes += r.freedBytes;
      }
    } catch (e) {
      failed.push({ id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { purged, freedBytes, failed };
}
