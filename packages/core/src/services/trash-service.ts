import type { Db, Tx } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { isRestorable, markRestored, purgeDate, TRASH_REASONS, TRASH_STATUS } from "../lifecycle/deletion-lifecycle";
import { readRetentionPolicy } from "../retention-policy";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { sqlOf } from "../db/sql";
import { addJob } from "../jobs";
import { appendAudit, auditFromCtx } from "./audit-service";
import { freeDatasetName } from "./dataset-service";
import { markCancelled } from "./dataset-version-service";
import { compactJobKey } from "./land-segment";
import { pauseConnectorsOf } from "./stream-trash";
import { findHiddenDatasetIds, requireVisibleDataset } from "./reader-access";
import { lockDataset, trashVersion, type LockedDataset } from "./trash-version";

/**
 * In-flight ingests (queued or running) of what is deleted are cancelled:
 * nothing new lands in the trash. A dataset with no READY version is then
 * CANCELLED, as cancelling its ingest by hand would leave it.
 */
async function cancelInFlight(tx: Tx, d: LockedDataset, only?: string): Promise<number[]> {
  const live = await tx.datasetVersion.findMany({
    where: { datasetId: d.id, status: { in: ["QUEUED", "INGESTING"] }, ...(only ? { id: only } : {}) },
    select: { id: true, version: true },
  });
  if (
    (await markCancelled(
      tx,
      d.tenantId,
      live.map((v) => v.id),
    )) > 0 &&
    d.readyVersion === null
  ) {
    await tx.dataset.update({ where: { id: d.id }, data: { status: "CANCELLED" } });
  }
  return live.map((v) => v.version);
}

/** What the dataset's versions and uploads hold in storage (what the trash shows it keeps). */
async function heldBytes(tx: Tx, datasetId: string, versions?: number[]): Promise<bigint> {
  const purged = await tx.trashItem.findMany({
    where: { datasetId, status: "PURGED", version: { not: null } },
    select: { version: true },
  });
  const gone = purged.map((i) => i.version!);
  const vs = await tx.datasetVersion.findMany({
    where: { datasetId, version: versions ? { in: versions } : { notIn: gone } },
    select: { storedBytes: true, uploadId: true },
  });
  const uploads = await tx.upload.findMany({
    where: { id: { in: [...new Set(vs.map((v) => v.uploadId))] } },
    select: { sizeBytes: true },
  });
  // A streaming dataset also holds the segments not compacted yet.
  const pending = versions
    ? null
    : await tx.streamSegment.aggregate({ where: { datasetId, status: "PENDING" }, _sum: { bytes: true } });
  return [...vs.map((v) => v.storedBytes), ...uploads.map((u) => u.sizeBytes), pending?._sum.bytes ?? 0n].reduce(
    (s, b) => s + b,
    0n,
  );
}

/** A restored streaming dataset: segments that arrived before the delete get compacted. */
async function resumeCompaction(tx: Tx, datasetId: string): Promise<void> {
  const pending = await tx.streamSegment.count({ where: { datasetId, status: "PENDING" } });
  if (pending) {
    await addJob(sqlOf(tx), "stream-compact", { datasetId }, { jobKey: compactJobKey(datasetId), maxAttempts: 25 });
  }
}

/**
 * Moves a dataset to the trash: hidden from lists and queries at once, its
 * name free for a new dataset, its objects kept (and counted) until the
 * sweep purges them trashDays later. Queued or running ingests are
 * cancelled; queries already running finish on the files they opened.
 */
export async function deleteDataset(db: Db, ctx: TenantCtx, datasetId: string) {
  requirePermission(ctx, "dataset.delete");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await lockDataset(tx, ctx.tenantId, datasetId);
    if (!d || d.trashedAt) throw notFound("dataset");
    await requireVisibleDataset(tx, ctx, { datasetId: d.id, what: "dataset" });
    const cancelled = await cancelInFlight(tx, d);
    const now = new Date();
    await tx.dataset.update({ where: { id: d.id }, data: { trashedAt: now, trashSlot: d.id } });
    const pausedConnectors = await pauseConnectorsOf(tx, d.id, d.name);
    const item = await tx.trashItem.create({
      data: {
        tenantId: ctx.tenantId,
        datasetId: d.id,
        datasetName: d.name,
        deletedBy: ctx.actor.id,
        deletedAt: now,
        storedBytes: await heldBytes(tx, d.id),
      },
    });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "dataset.delete", d.id, {
        name: d.name,
        trashItemId: item.id,
        cancelledVersions: cancelled,
        ...(pausedConnectors ? { pausedConnectors } : {}),
      }),
    );
    const { trashDays } = await readRetentionPolicy(tx, ctx.tenantId);
    return { trashItemId: item.id, purgeAfter: purgeDate(now, trashDays) };
  });
}

/**
 * Moves one version to the trash. The queried version may go while another
 * READY version remains: the newest of those becomes the queried one.
 */
export async function deleteVersion(db: Db, ctx: TenantCtx, versionId: string) {
  requirePermission(ctx, "dataset.delete");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const found = await tx.datasetVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId } });
    const d = found && (await lockDataset(tx, ctx.tenantId, found.datasetId));
    // Read again under the dataset's lock: a concurrent delete of the same version got there first.
    const v = d && (await tx.datasetVersion.findFirst({ where: { id: versionId, trashedAt: null } }));
    if (!v || !d || d.trashedAt) throw notFound("dataset version");
    await requireVisibleDataset(tx, ctx, { datasetId: d.id, what: "dataset version" });
    await cancelInFlight(tx, d, v.id);
    const r = await trashVersion(tx, {
      dataset: d,
      version: v.version,
      deletedBy: ctx.actor.id,
      reason: TRASH_REASONS.user,
      storedBytes: await heldBytes(tx, d.id, [v.version]),
    });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "dataset.deleteVersion", d.id, {
        version: v.version,
        trashItemId: r.trashItemId,
        queriedVersion: r.queriedVersion,
      }),
    );
    const { trashDays } = await readRetentionPolicy(tx, ctx.tenantId);
    return { ...r, purgeAfter: purgeDate(r.deletedAt, trashDays) };
  });
}

/**
 * Takes an item out of the trash. A dataset whose name a new dataset took
 * meanwhile comes back under the next free name ("sales_2"), and says so.
 */
export async function restoreTrashItem(db: Db, ctx: TenantCtx, trashItemId: string) {
  requirePermission(ctx, "dataset.delete");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const item = await tx.trashItem.findFirst({ where: { id: trashItemId, tenantId: ctx.tenantId } });
    if (!item) throw notFound("trash item");
    await requireVisibleDataset(tx, ctx, { datasetId: item.datasetId, what: "trash item" });
    const d = await lockDataset(tx, ctx.tenantId, item.datasetId);
    if (!d || !isRestorable(item.status) || !(await markRestored(tx, item.id))) {
      throw new DomainError("CONFLICT", `This item is ${item.status.toLowerCase()} and can no longer be restored.`);
    }
    if (item.version === null) {
      const name = await freeDatasetName(tx, ctx.tenantId, d.name);
      await tx.dataset.update({ where: { id: d.id }, data: { trashedAt: null, trashSlot: "", name } });
      await resumeCompaction(tx, d.id);
      const meta = { trashItemId: item.id, name, ...(name !== d.name ? { renamedFrom: d.name } : {}) };
      await appendAudit(tx, auditFromCtx(ctx, "dataset.restore", d.id, meta));
      return { datasetId: d.id, name, renamedFrom: name !== d.name ? d.name : null, version: null };
    }
    if (d.trashedAt) throw new DomainError("CONFLICT", `Restore the dataset "${d.name}" first; this version is in it.`);
    const v = await tx.datasetVersion.update({
      where: { datasetId_version: { datasetId: d.id, version: item.version } },
      data: { trashedAt: null },
    });
    // A dataset left without a queried version gets this one back; otherwise a rollback makes it queried.
    if (d.readyVersion === null && v.status === "READY") {
      await tx.dataset.update({ where: { id: d.id }, data: { readyVersion: v.version, status: "READY" } });
    }
    await appendAudit(
      tx,
      auditFromCtx(ctx, "dataset.restoreVersion", d.id, { trashItemId: item.id, version: item.version }),
    );
    return { datasetId: d.id, name: d.name, renamedFrom: null, version: item.version };
  });
}

/** The tenant's trash: what it holds and when each item goes for good. */
export async function findTrash(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "dataset.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const { trashDays } = await readRetentionPolicy(tx, ctx.tenantId);
    const items = await tx.trashItem.findMany({
      where: { tenantId: ctx.tenantId, status: { in: [...TRASH_STATUS.holdingObjects] } },
      orderBy: { deletedAt: "desc" },
      take: 500,
    });
    // A dataset the reader's policy hides is not in its trash either (its name is what it may not see).
    const hidden = await findHiddenDatasetIds(tx, ctx, [...new Set(items.map((i) => i.datasetId))]);
    const shown = items.filter((i) => !hidden.has(i.datasetId));
    // A version's dataset may have been renamed since: show the name it has now.
    const names = new Map(
      (
        await tx.dataset.findMany({
          where: { id: { in: [...new Set(shown.map((i) => i.datasetId))] } },
          select: { id: true, name: true },
        })
      ).map((d) => [d.id, d.name]),
    );
    return shown.map((i) => ({
      id: i.id,
      datasetId: i.datasetId,
      datasetName: names.get(i.datasetId) ?? i.datasetName,
      version: i.version,
      status: i.status,
      reason: i.reason,
      deletedBy: i.deletedBy,
      deletedAt: i.deletedAt,
      storedBytes: i.storedBytes,
      restorable: isRestorable(i.status),
      purgeAfter: purgeDate(i.deletedAt, trashDays),
    }));
  });
}
