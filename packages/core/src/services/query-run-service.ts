import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { jsonSafe } from "./audit-service";
import { meterUsage } from "./usage-service";
import { findVisibleDatasets, type VisibleDatasetVersion } from "./visible-datasets";

/** The sandbox limits of the tenant's plan. */
export interface QueryLimits {
  memoryLimitMb: number;
  timeoutMs: number;
}

/**
 * Marks a queued run RUNNING and hands the worker what the sandbox needs: the
 * run, the plan's limits and the datasets the tenant's queries see. Null when
 * the run was already handled or cancelled (a retried or stale job).
 */
export async function startQueryRun(
  db: Db,
  id: string,
): Promise<{
  run: { id: string; tenantId: string; sql: string; cacheKey: string | null };
  limits: QueryLimits;
  datasets: VisibleDatasetVersion[];
} | null> {
  return systemTx(db, async (tx) => {
    // Claim the run and read it with its plan's limits in one round trip: this is on every query's path.
    const rows = await tx.$queryRaw<
      {
        id: string;
        tenantId: string;
        sql: string;
        cacheKey: string | null;
        mem: number | null;
        timeout: number | null;
      }[]
    >`
      WITH r AS (
        UPDATE "QueryRun" SET status = 'RUNNING'::"JobStatus"
         WHERE id = ${id} AND status = 'QUEUED'::"JobStatus"
        RETURNING id, "tenantId", sql, "cacheKey")
      SELECT r.*, q."queryMemoryLimitMb" AS mem, q."queryTimeoutMs" AS timeout
        FROM r LEFT JOIN "TenantQuota" q ON q."tenantId" = r."tenantId"`;
    const row = rows[0];
    if (!row) return null;
    await tx.job.updateMany({
      where: { targetId: id, kind: "query" },
      data: { status: "RUNNING", startedAt: new Date() },
    });
    const { mem, timeout, ...run } = row;
    return {
      run,
      limits: { memoryLimitMb: mem ?? 1024, timeoutMs: timeout ?? 30_000 },
      datasets: await findVisibleDatasets(tx, run.tenantId),
    };
  });
}

/** True once the user cancelled the run (the worker checks after it starts listening for cancels). */
export async function isQueryRunCancelled(db: Db, id: string): Promise<boolean> {
  const r = await systemTx(db, (tx) => tx.queryRun.findUnique({ where: { id }, select: { status: true } }));
  return r?.status === "CANCELLED";
}

export type QueryOutcome = { durationMs: number; scanBytes: bigint } & (
  | {
      status: "SUCCEEDED";
      columns: { name: string; type: string }[];
      previewRows: unknown[];
      rowCount: bigint;
      resultKey: string;
      resultBytes: bigint;
      /** False when the run saw other dataset versions than its cache key was made from. */
      cacheable: boolean;
    }
  | { status: "FAILED" | "CANCELLED"; error: string }
);

/**
 * Records the outcome, meters the query (count, time, bytes scanned) and
 * wakes whoever waits for it (NOTIFY), in one transaction. A run the user
 * cancelled meanwhile stays CANCELLED.
 */
export async function finishQueryRun(
  db: Db,
  run: { id: string; tenantId: string },
  outcome: QueryOutcome,
): Promise<void> {
  const { id } = run;
  const now = new Date();
  await systemTx(db, async (tx) => {
    const base = { durationMs: outcome.durationMs, scanBytes: outcome.scanBytes, finishedAt: now };
    const n = await tx.queryRun.updateMany({
      where: { id, status: "RUNNING" },
      data:
        outcome.status === "SUCCEEDED"
          ? {
              ...base,
              status: "SUCCEEDED",
              columns: outcome.columns,
              previewRows: JSON.parse(JSON.stringify(outcome.previewRows, jsonSafe)) as object[],
              rowCount: outcome.rowCount,
              resultKey: outcome.resultKey,
              resultBytes: outcome.resultBytes,
              ...(outcome.cacheable ? {} : { cacheKey: null }),
            }
          : { ...base, status: outcome.status, error: outcome.error },
    });
    const status = n.count === 1 ? outcome.status : "CANCELLED";
    if (n.count !== 1) await tx.queryRun.updateMany({ where: { id }, data: base });
    await tx.job.updateMany({
      where: { targetId: id, kind: "query" },
      data: { status, finishedAt: now, error: outcome.status === "SUCCEEDED" ? null : outcome.error },
    });
    await meterUsage(tx, run.tenantId, [
      { kind: "QUERIES", amount: 1n, ref: id },
      { kind: "QUERY_MS", amount: BigInt(outcome.durationMs), ref: id },
      { kind: "SCAN_BYTES", amount: outcome.scanBytes, ref: id },
    ]);
    await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${id})`;
  });
}
