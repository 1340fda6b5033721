import { z } from "zod";
import type { Tx } from "../db/client";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { resultExportKey } from "../keys";
import { EXPORT_OUTPUT } from "../services/result-storage";
import { releaseReservedBytes, settleStoredBytes } from "../services/stored-bytes";
import { WORK_STATUS } from "./work-status";

/**
 * The export's lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED. Like a
 * result page it has no Job row (a download the user waits on, not counted
 * against concurrent jobs); a settled export also settles the storage its
 * object held (reserveExportOutput).
 */

export const EXPORT_FORMATS = ["csv", "parquet"] as const;
export const ZExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ZExportFormat>;

/** QUEUED | RUNNING (a retried job) -> RUNNING; what the worker writes. Null when already handled. */
export async function claimExport(tx: Tx, exportId: string) {
  const n = await tx.queryExport.updateMany({
    where: { id: exportId, status: { in: [WORK_STATUS.QUEUED, WORK_STATUS.RUNNING] } },
    data: { status: WORK_STATUS.RUNNING },
  });
  if (n.count !== 1) return null;
  const exp = await tx.queryExport.findUniqueOrThrow({ where: { id: exportId } });
  const run = await tx.queryRun.findUniqueOrThrow({ where: { id: exp.queryRunId }, select: { resultKey: true } });
  if (!run.resultKey) throw new Error(`query ${exp.queryRunId} has no stored result`);
  const objectKey = resultExportKey(exp.tenantId, exp.queryRunId, "csv");
  return { id: exp.id, tenantId: exp.tenantId, format: exp.format, resultKey: run.resultKey, objectKey };
}

/**
 * RUNNING -> SUCCEEDED with its object (the storage it held becomes usage) or
 * FAILED (the hold goes back); wakes the waiting request.
 */
export async function settleExport(
  tx: Tx,
  exportId: string,
  outcome: { objectKey: string; bytes: bigint } | { error: string },
): Promise<void> {
  const [e] = await tx.$queryRaw<{ tenantId: string; held: bigint }[]>`
    SELECT "tenantId", "storageReservedBytes" AS held FROM "QueryExport" WHERE id = ${exportId} FOR UPDATE`;
  if (!e) return;
  const done = { finishedAt: new Date(), storageReservedBytes: 0n };
  if ("objectKey" in outcome) {
    await settleStoredBytes(tx, e.tenantId, { reserved: e.held, actual: outcome.bytes, what: EXPORT_OUTPUT });
    await tx.queryExport.update({
      where: { id: exportId },
      data: { status: WORK_STATUS.SUCCEEDED, objectKey: outcome.objectKey, bytes: outcome.bytes, ...done },
    });
  } else {
    await releaseReservedBytes(tx, e.tenantId, e.held);
    await tx.queryExport.update({
      where: { id: exportId },
      data: { status: WORK_STATUS.FAILED, error: outcome.error, ...done },
    });
  }
  await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${exportId})`;
}
