import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { isDomainError } from "@scrollintel/core/errors";
import { JOBS } from "@scrollintel/core/jobs";
import { resultKey } from "@scrollintel/core/keys";
import { datasetsFingerprint } from "@scrollintel/core/query-cache-key";
import {
  finishQueryRun,
  isQueryRunCancelled,
  startQueryRun,
  type QueryOutcome,
} from "@scrollintel/core/services/query-run-service";
import type { VisibleDatasetVersion } from "@scrollintel/core/services/visible-datasets";
import type { DuckDBConnection } from "@duckdb/node-api";
import { DATA_POLICY } from "@scrollintel/core/services/visible-datasets";
import { duckMessage, lit } from "../duck/open-duck";
import { checkUserSql, referencedDatasets } from "../duck/sandbox";
import { localPathsFor } from "../local-path-for";
import { TenantSessions, type SessionLease } from "../duck/tenant-sessions";
import type { WorkerDeps } from "../worker-deps";

type Stop = "timeout" | "cancel";
/** DuckDB errors after which an instance must not serve another query. */
const FATAL = /FATAL|invalidated|INTERNAL Error/i;

/**
 * query: runs one tenant's SELECT on its own connection to a sandboxed DuckDB
 * instance of that tenant (duck/tenant-sessions.ts) with the memory limit and
 * time limit of the tenant's plan, writes the full result to Parquet in
 * storage and keeps the first rows for the page.
 */
export function makeQueryTask(deps: WorkerDeps): Task {
  // Without a shared pool (tests, tools), every query gets an instance of its own.
  const sessions =
    deps.sessions ??
    new TenantSessions({
      workDir: path.join(deps.config.dataDir, "work"),
      threads: deps.config.DUCKDB_THREADS,
      idleMs: 0,
      maxInstances: 64,
      spare: deps.spareDuck,
    });
  return async (payload, helpers) => {
    const { queryRunId, fingerprint } = JOBS.query.parse(payload);
    const started = await startQueryRun(deps.db, queryRunId);
    if (!started) return;
    const { run, limits, datasets } = started;
    const seen = datasetsFingerprint(datasets);
    const log = deps.log.child({ jobId: helpers.job.id, task: "query", queryRunId, tenantId: run.tenantId });
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    const stopper = new Stopper(limits.timeoutMs);
    const unsubscribe = deps.cancels?.subscribe(run.id, () => stopper.stop("cancel"));
    // A cancel that came before the subscription is in the row; checked while the sandbox opens.
    const cancelledEarly = isQueryRunCancelled(deps.db, run.id).catch(() => false);
    let lease: SessionLease | null = null;
    let resultPath: string | null = null;
    let scanBytes = 0n;
    let outcome: QueryOutcome;
    try {
      lease = await sessions.acquire({
        tenantId: run.tenantId,
        fingerprint: seen,
        policy: DATA_POLICY,
        memoryLimitMb: limits.memoryLimitMb,
        datasets: await Promise.all(
          datasets.map(async (d) => ({ name: d.name, paths: await localPathsFor(deps, d.files) })),
        ),
      });
      stopper.attach(lease.conn);
      resultPath = path.join(lease.resultDir, `${run.id}.parquet`);
      const sql = await checkUserSql(lease.conn, run.sql);
      scanBytes = await scannedBytes(lease.conn, sql, datasets);
      if (await cancelledEarly) stopper.stop("cancel");
      if (stopper.reason) throw new Error("INTERRUPT: stopped before the statement ran");
      const copyStarted = performance.now();
      const rowCount = await copyResult(lease.conn, sql, resultPath);
      const engineMs = Math.round(performance.now() - copyStarted);
      // The preview rows and the upload to storage both only read the local file.
      const key = resultKey(run.tenantId, run.id);
      const [result] = await Promise.all([
        readPreview(lease.conn, resultPath, deps.config.QUERY_PREVIEW_ROWS),
        deps.storage.put(key, fs.createReadStream(resultPath)),
      ]);
      const cacheable = fingerprint === undefined || fingerprint === seen;
      outcome = {
        status: "SUCCEEDED",
        ...result,
        rowCount,
        engineMs,
        resultKey: key,
        cacheable,
        durationMs: ms(),
        scanBytes,
      };
    } catch (e) {
      const failed = failure(e, stopper.reason, limits.timeoutMs, ms(), scanBytes);
      log.info({ err: failed.error }, "query did not succeed");
      outcome = failed;
    } finally {
      stopper.dispose();
      unsubscribe?.();
    }
    // Answer first; releasing the session and removing the local result are off the query's path.
    try {
      await finishQueryRun(deps.db, run, outcome);
    } finally {
      if (resultPath) fs.rmSync(resultPath, { force: true });
      lease?.release(outcome.status === "FAILED" && FATAL.test(outcome.error));
    }
  };
}

/**
 * Interrupts the query's statement at the plan's time limit or on cancel, and
 * remembers why. An interrupt that lands just before DuckDB starts the
 * statement can be lost, so a stop keeps interrupting until disposed.
 */
class Stopper {
  reason: Stop | null = null;
  private conn: DuckDBConnection | null = null;
  private nag: NodeJS.Timeout | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.stop("timeout"), timeoutMs);
  }

  attach(conn: DuckDBConnection): void {
    this.conn = conn;
  }

  stop(why: Stop): void {
    this.reason ??= why;
    this.conn?.interrupt();
    this.nag ??= setInterval(() => this.conn?.interrupt(), 50);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.nag);
  }
}

/** COPY (sql) TO a Parquet file; the number of rows written. */
async function copyResult(conn: DuckDBConnection, sql: string, resultPath: string): Promise<bigint> {
  const copied = await conn.runAndReadAll(`COPY (\n${sql}\n) TO ${lit(resultPath)} (FORMAT parquet, COMPRESSION zstd)`);
  return BigInt(String(copied.getRows()[0]?.[0] ?? 0));
}

/** The first rows and the column types of a written result. */
async function readPreview(conn: DuckDBConnection, resultPath: string, previewRows: number) {
  const head = await conn.runAndReadAll(`SELECT * FROM read_parquet(${lit(resultPath)}) LIMIT ${previewRows}`);
  return {
    columns: head.columnNames().map((name, i) => ({ name, type: head.columnType(i).toString() })),
    previewRows: head.getRowObjectsJson(),
    resultBytes: BigInt(fs.statSync(resultPath).size),
  };
}

/** Stored Parquet bytes of the datasets the statement reads: what the monthly scan quota counts. */
async function scannedBytes(conn: DuckDBConnection, sql: string, datasets: VisibleDatasetVersion[]): Promise<bigint> {
  const read = await referencedDatasets(
    conn,
    sql,
    datasets.map((d) => d.name),
  );
  return datasets.filter((d) => read.has(d.name)).reduce((s, d) => s + d.storedBytes, 0n);
}

function failure(e: unknown, stopped: Stop | null, timeoutMs: number, durationMs: number, scanBytes: bigint) {
  const interrupted = /interrupt/i.test(duckMessage(e));
  if (interrupted && stopped === "cancel") {
    return { status: "CANCELLED", error: "Cancelled.", durationMs, scanBytes } satisfies QueryOutcome;
  }
  const error =
    interrupted && stopped === "timeout"
      ? `Query stopped after ${timeoutMs} ms, the time limit of this workspace's plan.`
      : isDomainError(e)
        ? e.message
        : duckMessage(e);
  return { status: "FAILED", error, durationMs, scanBytes } satisfies QueryOutcome;
}
