import type { Db } from "../db/client";
import type { NotifyListener } from "../db/notify-listener";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { addJob } from "../jobs";
import { claimExport, settleExport, type ExportFormat } from "../lifecycle/export-lifecycle";
import { waitForRow } from "../lifecycle/wait-for-row";
import { WORK_STATUS } from "../lifecycle/work-status";
import { resultOwner } from "./query-run-view";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

export { EXPORT_FORMATS, type ExportFormat } from "../lifecycle/export-lifecycle";

export interface ExportState {
  status: "READY" | "PENDING" | "FAILED";
  /** Where the browser downloads it (same-origin, session or API key). */
  url: string | null;
  error: string | null;
}

export function downloadUrl(queryRunId: string, format: ExportFormat): string {
  return `/api/queries/${queryRunId}/download?format=${format}`;
}

/**
 * Makes a full result downloadable. Parquet is the stored result itself; CSV
 * is written by the worker (query-export job) into storage once per result,
 * so the web only ever streams objects and never holds a result in memory.
 */
export async function requestExport(
  db: Db,
  ctx: TenantCtx,
  input: { id: string; format: ExportFormat; waitMs: number; listener?: NotifyListener | null },
): Promise<ExportState> {
  requirePermission(ctx, "query.read");
  const exp = await tenantTx(db, ctx.tenantId, async (tx) => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "download", ctx.actor.id);
    await appendAudit(tx, auditFromCtx(ctx, "query.export", input.id, { format: input.format }));
    if (input.format === "parquet") return null;
    const key = { tenantId: ctx.tenantId, queryRunId: run.ownerId, format: input.format };
    const made = await tx.queryExport.createMany({ data: [{ ...key, createdBy: ctx.actor.id }], skipDuplicates: true });
    const row = await tx.queryExport.findFirstOrThrow({ where: key, select: { id: true } });
    if (made.count === 1)
      await addJob(
        tx,
        "query-export",
        { exportId: row.id },
        { jobKey: `export:${row.id}`, priority: -5, tenantId: ctx.tenantId },
      );
    return row;
  });
  const url = downloadUrl(input.id, input.format);
  if (!exp) return { status: "READY", url, error: null };
  const read = () =>
    tenantTx(db, ctx.tenantId, (tx) =>
      tx.queryExport.findFirst({
        where: { id: exp.id, tenantId: ctx.tenantId },
        select: { status: true, error: true },
      }),
    );
  const row = await waitForRow({
    id: exp.id,
    timeoutMs: input.waitMs,
    listener: input.listener,
    read,
    settled: (r) => r.status === WORK_STATUS.SUCCEEDED || r.status === WORK_STATUS.FAILED,
  });
  if (row?.status === WORK_STATUS.SUCCEEDED) return { status: "READY", url, error: null };
  if (row?.status === WORK_STATUS.FAILED) return { status: "FAILED", url: null, error: row.error };
  return { status: "PENDING", url: null, error: null };
}

/**
 * What the download route streams: an object key this tenant owns, and how
 * to name it. Every download, Parquet as well as CSV, writes query.download.
 */
export async function getExportDownload(db: Db, ctx: TenantCtx, input: { id: string; format: ExportFormat }) {
  requirePermission(ctx, "query.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "download", ctx.actor.id);
    const filename = `query-${input.id}.${input.format}`;
    if (input.format === "parquet") {
      await appendAudit(tx, auditFromCtx(ctx, "query.download", input.id, { format: input.format }));
      return { key: run.resultKey, filename, contentType: "application/vnd.apache.parquet" };
    }
    const exp = await tx.queryExport.findFirst({
      where: { tenantId: ctx.tenantId, queryRunId: run.ownerId, format: input.format, status: WORK_STATUS.SUCCEEDED },
      select: { objectKey: true },
    });
    if (!exp?.objectKey) throw new DomainError("CONFLICT", "This export is not ready yet; request it first.");
    await appendAudit(tx, auditFromCtx(ctx, "query.download", input.id, { format: input.format }));
    return { key: exp.objectKey, filename, contentType: "text/csv; charset=utf-8" };
  });
}

/** Worker side: claims a queued export. Null when it was already handled. */
export async function startExport(db: Db, exportId: string) {
  return systemTx(db, (tx) => claimExport(tx, exportId));
}

/** Worker side: records the written object (or the failure) and wakes the waiting request. */
export async function finishExport(
  db: Db,
  exportId: string,
  outcome: { objectKey: string; bytes: bigint } | { error: string },
): Promise<void> {
  await systemTx(db, (tx) => settleExport(tx, exportId, outcome));
}
