import type { Db } from "../db/client";
import { sqlSystemTx, utc } from "../db/sql";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { CLAIM_RUN_SQL, FAIL_RUNS_SQL, FINISH_RUN_SQL, readRunStatus } from "../lifecycle/query-run-lifecycle";
import { WORK_STATUS } from "../lifecycle/work-status";
import { jsonSafe } from "./audit-service";
import { RESULT_OUTPUT } from "./result-storage";
import { reserveStoredBytes } from "./stored-bytes";
import { meterUsage } from "./usage-service";
import { readMaskingSecret, readReaderView, type ReadableDataset } from "./access-read";

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
  run: { id: string; tenantId: string; userId: string; sql: string; cacheKey: string | null };
  limits: QueryLimits;
  /** The datasets the run's reader may query, with the masks and filters its views apply. */
  datasets: ReadableDataset[];
  /** The reader's access digest (core/access) and what its views need to apply it. */
  access: { digest: string; attributes: Record<string, string>; maskingSecret: string | null };
} | null> {
  // The transition (lifecycle/query-run-lifecycle.ts): the run, its job and the plan's limits in one statement.
  return sqlSystemTx(db, async (sql) => {
    const [row] = await sql.query<{
      id: string;
      tenantId: string;
      userId: string;
      sql: string;
      cacheKey: string | null;
      mem: number | null;
      timeout: number | null;
      spill: bigint | null;
      rows: bigint | null;
      bytes: bigint | null;
    }>(CLAIM_RUN_SQL, [id, utc(new Date()), opts.retried === true]);
    if (!row) return null;
    const { mem, timeout, spill, rows, bytes, ...run } = row;
    const d = DEFAULT_LIMITS;
    // Judged as the reader is now: a policy changed since the run was queued applies to it.
    const view = await readReaderView(sql, run.tenantId, run.userId);
    await sql.query(`UPDATE "QueryRun" SET "accessDigest" = $2 WHERE id = $1`, [run.id, view.digest]);
    const hashes = view.datasets.some((x) => Object.values(x.access.masks).includes("hash"));
    return {
      run,
      limits: {
        memoryLimitMb: mem ?? d.memoryLimitMb,
        timeoutMs: timeout ?? d.timeoutMs,
        spillBytesLimit: spill ?? d.spillBytesLimit,
        resultRowsLimit: rows ?? d.resultRowsLimit,
        resultBytesLimit: bytes ?? d.resultBytesLimit,
      },
      datasets: view.datasets,
      access: {
        digest: view.digest,
        attributes: view.principal.attributes,
        maskingSecret: hashes ? await readMaskingSecret(sql, run.tenantId) : null,
      },
    };
  });
}

/** True once the user cancelled the run (the worker checks after it starts listening for cancels). */
export async function isQueryRunCancelled(db: Db, id: string): Promise<boolean> {
  return (await sqlSystemTx(db, (sql) => readRunStatus(sql, id))) === WORK_STATUS.CANCELLED;
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
 * CANCELLED. Returns the run's status after it (a stored result of a run that
 * did not end SUCCEEDED is the caller's to remove).
 */
export async function finishQueryRun(
  db: Db,
  run: { id: string; tenantId: string },
  outcome: QueryOutcome,
): Promise<string | null> {
  const ok = outcome.status === "SUCCEEDED";
  return sqlSystemTx(db, async (sql) => {
    // The storage held for the result (reserveQueryResult) becomes usage if the run succeeds, else goes back;
    // a result larger than what was held must first fit (QUOTA_EXCEEDED: finishRun records a failure).
    const [row] = await sql.query<{ held: bigint }>(
      `SELECT "storageReservedBytes" AS held FROM "QueryRun" WHERE id = $1 FOR UPDATE`,
      [run.id],
    );
    const held = row?.held ?? 0n;
    if (ok && outcome.resultBytes > held) {
      await reserveStoredBytes(sql, run.tenantId, outcome.resultBytes - held, RESULT_OUTPUT);
    }
    const reserved = ok && outcome.resultBytes > held ? outcome.resultBytes : held;
    // The transition (lifecycle/query-run-lifecycle.ts): run, job, storage and NOTIFY in one statement.
    const [r] = await sql.query<{ status: string }>(FINISH_RUN_SQL, [
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
      reserved.toString(),
    ]);
    await meterUsage(sql, run.tenantId, [
      { kind: "QUERIES", amount: 1n, ref: run.id },
      { kind: "QUERY_MS", amount: BigInt(outcome.durationMs), ref: run.id },
      { kind: "SCAN_BYTES", amount: outcome.scanBytes, ref: run.id },
    ]);
    return r?.status ?? null;
  });
}

/**
 * Ends a run whose job must not run it again (its engine or worker died
 * under it too often): FAILED with `error`, its job too, and wakes waiters.
 * A run that already ended is left as it is.
 */
export async function abandonQueryRun(db: Db, id: string, error: string): Promise<void> {
  await sqlSystemTx(db, (sql) => sql.query(FAIL_RUNS_SQL, [[id], error, utc(new Date()), QUERY_DONE_CHANNEL]));
}
