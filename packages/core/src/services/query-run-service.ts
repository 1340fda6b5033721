import type { Db } from "../db/client";
import { sqlSystemTx, utc } from "../db/sql";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { jsonSafe } from "./audit-service";
import { meterUsage } from "./usage-service";
import { findVisibleDatasets, type VisibleDatasetVersion } from "./visible-datasets";

/** The sandbox limits of the tenant's plan. */
export interface QueryLimits {
  memoryLimitMb: number;
  timeoutMs: number;
  /** DuckDB temporary spill per query (max_temp_directory_size). */
  spillBytesLimit: bigint;
  /** The largest result a query may store. */
  resultRowsLimit: bigint;
  resultBytesLimit: bigint;
}

/** The TenantQuota defaults, for a tenant without a quota row. */
const DEFAULT_LIMITS: QueryLimits = {
  memoryLimitMb: 1024,
  timeoutMs: 30_000,
  spillBytesLimit: 10_737_418_240n,
  resultRowsLimit: 50_000_000n,
  resultBytesLimit: 2_147_483_648n,
};

/**
 * Marks a queued run RUNNING and hands the worker what the sandbox needs: the
 * run, the plan's limits and the datasets the tenant's queries see. Null when
 * the run was already handled or cancelled (a stale job). `retried` (a job
 * started again after its worker died mid-run) may claim its RUNNING run again.
 */
export async function startQueryRun(
  db: Db,
  id: string,
  opts: { retried?: boolean } = {},
): Promise<{
  run: { id: string; tenantId: string; sql: string; cacheKey: string | null };
  limits: QueryLimits;
  datasets: VisibleDatasetVersion[];
} | null> {
  // Plain SQL (db/sql.ts): claim the run and its job, read the plan's limits, in one statement.
  return sqlSystemTx(db, async (sql) => {
    const [row] = await sql.query<{
      id: string;
      tenantId: string;
      sql: string;
      cacheKey: string | null;
      mem: number | null;
      timeout: number | null;
      spill: bigint | null;
      rows: bigint | null;
      bytes: bigint | null;
    }>(
      `WITH r AS (
         UPDATE "QueryRun" SET status = 'RUNNING'
          WHERE id = $1 AND (status = 'QUEUED' OR (status = 'RUNNING' AND $3::boolean))
         RETURNING id, "tenantId", sql, "cacheKey"),
       j AS (
         UPDATE "Job" SET status = 'RUNNING', "startedAt" = $2::timestamptz AT TIME ZONE 'UTC'
          WHERE "targetId" = $1 AND kind = 'query' AND EXISTS (SELECT 1 FROM r)
         RETURNING 1)
       SELECT r.*, q."queryMemoryLimitMb" AS mem, q."queryTimeoutMs" AS timeout, q."querySpillBytesLimit" AS spill,
              q."resultRowsLimit" AS rows, q."resultBytesLimit" AS bytes
         FROM r LEFT JOIN "TenantQuota" q ON q."tenantId" = r."tenantId"`,
      [id, utc(new Date()), opts.retried === true],
    );
    if (!row) return null;
    const { mem, timeout, spill, rows, bytes, ...run } = row;
    const d = DEFAULT_LIMITS;
    return {
      run,
      limits: {
        memoryLimitMb: mem ?? d.memoryLimitMb,
        timeoutMs: timeout ?? d.timeoutMs,
        spillBytesLimit: spill ?? d.spillBytesLimit,
        resultRowsLimit: rows ?? d.resultRowsLimit,
        resultBytesLimit: bytes ?? d.resultBytesLimit,
      },
      datasets: await findVisibleDatasets(sql, run.tenantId),
    };
  });
}

/** True once the user cancelled the run (the worker checks after it starts listening for cancels). */
export async function isQueryRunCancelled(db: Db, id: string): Promise<boolean> {
  const [r] = await sqlSystemTx(db, (sql) =>
    sql.query<{ status: string }>(`SELECT status::text AS status FROM "QueryRun" WHERE id = $1`, [id]),
  );
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
      /** The DuckDB statement's own time; durationMs minus this is the sandbox's share. */
      engineMs: number;
      /** False when the run saw other dataset versions than its cache key was made from. */
      cacheable: boolean;
    }
  | { status: "FAILED" | "CANCELLED"; error: string }
);

/**
 * Records the outcome, meters the query (count, time, bytes scanned), counts
 * a stored result against the tenant's storage and wakes whoever waits for
 * it (NOTIFY), in one transaction. A run the user cancelled meanwhile stays
 * CANCELLED.
 */
export async function finishQueryRun(
  db: Db,
  run: { id: string; tenantId: string },
  outcome: QueryOutcome,
): Promise<void> {
  const ok = outcome.status === "SUCCEEDED";
  // Plain SQL (db/sql.ts): the run, its job and the NOTIFY in one statement. A run
  // no longer RUNNING (cancelled meanwhile) keeps its status and gets only the timings;
  // its job then ends CANCELLED.
  await sqlSystemTx(db, async (sql) => {
    await sql.query(
      `WITH r AS (
         UPDATE "QueryRun" SET
           "durationMs" = $2::int, "scanBytes" = $3::bigint, "finishedAt" = $4::timestamptz AT TIME ZONE 'UTC',
           status = CASE WHEN status = 'RUNNING' THEN $5::"JobStatus" ELSE status END,
           error = CASE WHEN status = 'RUNNING' THEN $6 ELSE error END,
           columns = CASE WHEN status = 'RUNNING' AND $7 THEN $8::jsonb ELSE columns END,
           "previewRows" = CASE WHEN status = 'RUNNING' AND $7 THEN $9::jsonb ELSE "previewRows" END,
           "rowCount" = CASE WHEN status = 'RUNNING' AND $7 THEN $10::bigint ELSE "rowCount" END,
           "resultKey" = CASE WHEN status = 'RUNNING' AND $7 THEN $11 ELSE "resultKey" END,
           "resultBytes" = CASE WHEN status = 'RUNNING' AND $7 THEN $12::bigint ELSE "resultBytes" END,
           "engineMs" = CASE WHEN status = 'RUNNING' AND $7 THEN $15::int ELSE "engineMs" END,
           "cacheKey" = CASE WHEN status = 'RUNNING' AND $7 AND NOT $13 THEN NULL ELSE "cacheKey" END
          WHERE id = $1
         RETURNING status),
       j AS (
         UPDATE "Job" SET
           status = CASE WHEN (SELECT status FROM r) = $5::"JobStatus" THEN $5::"JobStatus" ELSE 'CANCELLED' END,
           "finishedAt" = $4::timestamptz AT TIME ZONE 'UTC', error = $6
          WHERE "targetId" = $1 AND kind = 'query'
         RETURNING 1),
       s AS (
         UPDATE "TenantQuota" SET "storageBytesUsed" = "storageBytesUsed" + $12::bigint, "updatedAt" = now()
          WHERE "tenantId" = $16 AND $7 AND (SELECT status FROM r) = 'SUCCEEDED'
         RETURNING 1)
       SELECT 1 AS notified FROM pg_notify($14, $1)`,
      [
        run.id,
        outcome.durationMs,
        outcome.scanBytes.toString(),
        utc(new Date()),
        outcome.status,
        ok ? null : outcome.error,
        ok,
        ok ? JSON.stringify(outcome.columns) : null,
        ok ? JSON.stringify(outcome.previewRows, jsonSafe) : null,
        ok ? outcome.rowCount.toString() : null,
        ok ? outcome.resultKey : null,
        ok ? outcome.resultBytes.toString() : null,
        ok ? outcome.cacheable : true,
        QUERY_DONE_CHANNEL,
        ok ? outcome.engineMs : null,
        run.tenantId,
      ],
    );
    await meterUsage(sql, run.tenantId, [
      { kind: "QUERIES", amount: 1n, ref: run.id },
      { kind: "QUERY_MS", amount: BigInt(outcome.durationMs), ref: run.id },
      { kind: "SCAN_BYTES", amount: outcome.scanBytes, ref: run.id },
    ]);
  });
}

/**
 * Ends a run whose job must not run it again (its engine or worker died
 * under it too often): FAILED with `error`, its job too, and wakes waiters.
 * A run that already ended is left as it is.
 */
export async function abandonQueryRun(db: Db, id: string, error: string): Promise<void> {
  await sqlSystemTx(db, (sql) =>
    sql.query(
      `WITH r AS (
         UPDATE "QueryRun" SET status = 'FAILED', error = $2, "finishedAt" = $3::timestamptz AT TIME ZONE 'UTC'
          WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
         RETURNING id),
       j AS (
         UPDATE "Job" SET status = 'FAILED', error = $2, "finishedAt" = $3::timestamptz AT TIME ZONE 'UTC'
          WHERE "targetId" = $1 AND kind = 'query' AND EXISTS (SELECT 1 FROM r)
         RETURNING 1)
       SELECT 1 AS notified FROM pg_notify($4, $1)`,
      [id, error, utc(new Date()), QUERY_DONE_CHANNEL],
    ),
  );
}
