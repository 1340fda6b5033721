import type { Db, Tx } from "../db/client";
import { DomainError, notFound } from "../errors";
import { ZIngestOptions, type IngestOptions } from "../ingest-options";
import { jobKeys, removeWaitingJob } from "../job-lanes";
import { addJob } from "../jobs";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { releaseReservedBytes } from "./stored-bytes";
import { appendAudit, auditFromCtx } from "./audit-service";
import { createNextVersion } from "./dataset-service";
import { inspectJobKey } from "./intake-lifecycle";
import { tenantTx } from "../db/scoped";
import { CANCELLABLE_VERSION_STATUSES, LIVE_VERSION_STATUSES, VERSION_STATUS } from "../ingest-status";
import { lockVersionsForTransition, transitionVersions } from "./ingest-lifecycle";
import { readReaderAccess, requireVisibleDataset } from "./reader-access";

/**
 * Re-ingest as a new version: the same upload read with new options (column
 * names and types, delimiter, header, bad-row policy). The version queries
 * see stays until the new one is READY.
 */
export async function reingestVersion(
  db: Db,
  ctx: TenantCtx,
  input: { versionId: string; options: IngestOptions },
): Promise<{ datasetId: string; versionId: string; version: number }> {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  const options = ZIngestOptions.parse(input.options);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const from = await tx.datasetVersion.findFirst({
      where: { id: input.versionId, tenantId: ctx.tenantId, trashedAt: null, dataset: { trashedAt: null } },
    });
    if (!from) throw notFound("dataset version");
    await requireVisibleDataset(tx, ctx, { datasetId: from.datasetId, what: "dataset version" });
    // A failed append may be read again with new options (as an append); a settled one may not.
    if (from.append && from.status !== "FAILED") {
      throw new DomainError(
        "CONFLICT",
        `Version ${from.version} appends a file to an earlier version; change the schema of the version it builds on, then append again.`,
      );
    }
    // New options for a file still being read supersede the old ones: that run stops.
    const superseded = await tx.datasetVersion.findMany({
      where: {
        datasetId: from.datasetId,
        uploadId: from.uploadId,
        append: from.append,
        status: { in: [...LIVE_VERSION_STATUSES] },
      },
      select: { id: true },
    });
    await markCancelled(
      tx,
      ctx.tenantId,
      superseded.map((x) => x.id),
    );
    const v = await createNextVersion(tx, ctx, from.datasetId, {
      uploadId: from.uploadId,
      sourceBytes: from.sourceBytes,
      append: from.append,
      options,
    });
    await addJob(tx, "ingest", { datasetVersionId: v.id }, { jobKey: jobKeys.ingest(v.id), tenantId: ctx.tenantId });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "dataset.reingest", from.datasetId, { fromVersion: from.version, version: v.version, options }),
    );
    return { datasetId: from.datasetId, versionId: v.id, version: v.version };
  });
}

/**
 * Cancels a queued or running ingest: the version becomes CANCELLED at once;
 * a running worker sees it at its next progress write, interrupts DuckDB and
 * removes what it wrote. Cancelling a settled version is a no-op.
 */
export async function cancelIngest(db: Db, ctx: TenantCtx, versionId: string): Promise<{ status: string }> {
  requirePermission(ctx, "dataset.write");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await tx.datasetVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId } });
    if (!v) throw notFound("dataset version");
    await requireVisibleDataset(tx, ctx, { datasetId: v.datasetId, what: "dataset version" });
    if ((await markCancelled(tx, ctx.tenantId, [v.id])) === 0) return { status: v.status };
    const ds = await tx.dataset.findUniqueOrThrow({ where: { id: v.datasetId } });
    if (ds.readyVersion === null)
      await tx.dataset.update({ where: { id: ds.id }, data: { status: VERSION_STATUS.CANCELLED } });
    await appendAudit(tx, auditFromCtx(ctx, "dataset.cancel", v.datasetId, { version: v.version }));
    return { status: VERSION_STATUS.CANCELLED };
  });
}

/** Versions that may still be cancelled: queued, running, or before their ingest (inspected or parked). */

/** Queued or running versions -> CANCELLED, with their Job rows; a worker running one stops at its next progress write. */
export async function markCancelled(tx: Tx, tenantId: string, versionIds: string[]): Promise<number> {
  if (!versionIds.length) return 0;
  // Storage a running ingest holds for its parts goes back with the cancel.
  // Locked (their datasets first, as a delete does), so a reservation taken meanwhile (reserveIngestOutput locks
  // the row too) is not lost.
  await lockVersionsForTransition(tx, versionIds);
  const held = await tx.$queryRaw<{ held: bigint }[]>`
    SELECT "storageReservedBytes" AS held FROM "DatasetVersion"
     WHERE id = ANY(${versionIds}) AND "tenantId" = ${tenantId} AND status = ANY(${[...CANCELLABLE_VERSION_STATUSES]}::"DatasetStatus"[])`;
  await releaseReservedBytes(
    tx,
    tenantId,
    held.reduce((n, r) => n + r.held, 0n),
  );
  const n = await transitionVersions(tx, versionIds, "cancel", {
    tenantId,
    data: { finishedAt: new Date(), error: "Cancelled.", progress: {}, storageReservedBytes: 0n },
  });
  // Waiting ingest jobs leave their lane, so the jobs behind them move up; a running one stops itself.
  for (const id of versionIds) {
    await removeWaitingJob(tx, jobKeys.ingest(id));
    await removeWaitingJob(tx, inspectJobKey(id));
  }
  return n;
}

/**
 * A page of a version's rejected rows, in line order; `cursor` is the last
 * row's id. A reader under a mask or row filter gets none: a raw line and its
 * reason hold the values the policy hides, and under a row filter even the
 * count is of rows it may not see.
 */
export async function findRejects(
  db: Db,
  ctx: TenantCtx,
  input: { versionId: string; cursor?: string; limit: number },
) {
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await tx.datasetVersion.findFirst({
      where: { id: input.versionId, tenantId: ctx.tenantId },
      select: { id: true, datasetId: true, rejectedRows: true, columns: true },
    });
    if (!v) throw notFound("dataset version");
    const columns = ((v.columns ?? []) as { name: string }[]).map((c) => c.name);
    const reader = await readReaderAccess(tx, ctx, { datasetId: v.datasetId, columns, what: "dataset version" });
    if (!reader.unrestricted) {
      return {
        total: reader.countsHidden ? null : v.rejectedRows,
        stored: 0,
        items: [],
        nextCursor: null,
        hiddenByPolicy: true,
      };
    }
    const items = await tx.ingestReject.findMany({
      where: { tenantId: ctx.tenantId, versionId: v.id, ...(input.cursor ? { id: { gt: BigInt(input.cursor) } } : {}) },
      orderBy: { id: "asc" },
      take: input.limit,
    });
    const stored = await tx.ingestReject.count({ where: { tenantId: ctx.tenantId, versionId: v.id } });
    return {
      total: v.rejectedRows as bigint | null,
      stored,
      items: items.map((r) => ({ ...r, id: r.id.toString() })),
      nextCursor: items.length === input.limit ? items.at(-1)!.id.toString() : null,
      hiddenByPolicy: false,
    };
  });
}
