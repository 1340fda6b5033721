import type { Db } from "../db/client";
import { waitUntilDone, type NotifyListener } from "../db/notify-listener";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { addJob, QUERY_DONE_CHANNEL } from "../jobs";
import { resultExportKey } from "../keys";
import { resultOwner } from "./query-run-view";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

export const EXPORT_FORMATS = ["csv", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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
    const run = await resultOwner(tx, ctx.tenantId, input.id, "download");
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
  let row = null as Awaited<ReturnType<typeof read>>; // set by check(), which runs first
  await waitUntilDone({
    id: exp.id,
    timeoutMs: input.waitMs,
    listener: input.listener,
    check: async () => {
      row = await read();
      return row?.status === "SUCCEEDED" || row?.status === "FAILED";
    },
  });
  if (row?.status === "SUCCEEDED") return { status: "READY", url, error: null };
  if (row?.status === "FAILED") return { status: "FAILED", url: null, error: row.error };
  return { status: "PENDING", url: null, error: null };
}

/** What the download route streams: an object key this tenant owns, and how to name it. */
export async function getExportDownload(db: Db, ctx: TenantCtx, input: { id: string; format: ExportFormat }) {
  requirePermission(ctx, "query.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "download");
    const filename = `query-${input.id}.${input.format}`;
    if (input.format === "parquet") {
      return { key: run.resultKey, filename, contentType: "application/vnd.apache.parquet" };
    }
    const exp = await tx.queryExport.findFirst({
      where: { tenantId: ctx.tenantId, queryRunId: run.ownerId, format: input.format, status: "SUCCEEDED" },
      select: { objectKey: true },
    });
    if (!exp?.objectKey) throw new DomainError("CONFLICT", "This export is not ready yet; request it first.");
    return { key: exp.objectKey, filename, contentType: "text/csv; charset=utf-8" };
  });
}

/** Worker side: claims a queued export. Null when it was already handled. */
export async function startExport(db: Db, exportId: string) {
  return systemTx(db, async (tx) => {
    const n = await tx.queryExport.updateMany({
      where: { id: exportId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "RUNNING" },
    });
    if (n.count !== 1) return null;
    const exp = await tx.queryExport.findUniqueOrThrow({ where: { id: exportId } });
    const run = await tx.queryRun.findUniqueOrThrow({ where: { id: exp.queryRunId }, select: { resultKey: true } });
    if (!run.resultKey) throw new Error(`query ${exp.queryRunId} has no stored result`);
    const objectKey = resultExportKey(exp.tenantId, exp.queryRunId, "csv");
    return { id: exp.id, tenantId: exp.tenantId, format: exp.format, resultKey: run.resultKey, objectKey };
  });
}

/** Worker side: records the written object (or the failure) and wakes the waiting request. */
export async function finishExport(
  db: Db,
  exportId: string,
  outcome: { objectKey: string; bytes: bigint } | { error: string },
): Promise<void> {
  await systemTx(db, async (tx) => {
    await tx.queryExport.update({
      where: { id: exportId },
      data:
        "objectKey" in outcome
          ? { status: "SUCCEEDED", objectKey: outcome.objectKey, bytes: outcome.bytes, finishedAt: new Date() }
          : { status: "FAILED", error: outcome.error, finishedAt: new Date() },
    });
    await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${exportId})`;
  });
}
