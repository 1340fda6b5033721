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
import { closeDuck, duckMessage, lit, openDuck, type DuckLimits } from "../duck/open-duck";
import { checkUserSql, lockDownSession, referencedDatasets } from "../duck/sandbox";
import type { WorkerDeps } from "../worker-deps";

type Duck = Awaited<ReturnType<typeof openDuck>>;
type Stop = "timeout" | "cancel";

/**
 * query: runs one tenant's SELECT in a fresh sandboxed DuckDB session with the
 * memory limit and time limit of the tenant's plan, writes the full result to
 * Parquet in storage and keeps the first rows for the page.
 */
export function makeQueryTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { queryRunId, fingerprint } = JOBS.query.parse(payload);
    const started = await startQueryRun(deps.db, queryRunId);
    if (!started) return;
    const { run, limits, datasets } = started;
    const log = deps.log.child({ jobId: helpers.job.id, task: "query", queryRunId, tenantId: run.tenantId });
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    const work = path.join(deps.config.dataDir, "work", `query-${run.id}`);
    const duckLimits: DuckLimits = {
      memoryLimit: `${limits.memoryLimitMb}MB`,
      threads: deps.config.DUCKDB_THREADS,
      tempDir: path.join(work, "spill"),
    };
    let duck: Duck | null = null;
    let stopped: Stop | null = null;
    let nag: NodeJS.Timeout | undefined;
    // An interrupt that lands just before DuckDB starts the statement can be
    // lost, so a stop keeps interrupting until the statement has ended.
    const stop = (why: Stop) => {
      stopped ??= why;
      duck?.conn.interrupt();
      nag ??= setInterval(() => duck?.conn.interrupt(), 50);
    };
    const timer = setTimeout(() => stop("timeout"), limits.timeoutMs);
    const unsubscribe = deps.cancels?.subscribe(run.id, () => stop("cancel"));
    // A cancel that came before the subscription is in the row; checked while DuckDB opens.
    const cancelledEarly = isQueryRunCancelled(deps.db, run.id).catch(() => false);
    let scanBytes = 0n;
    let outcome: QueryOutcome;
    try {
      fs.mkdirSync(work, { recursive: true });
      duck = deps.spareDuck ? await deps.spareDuck.take(duckLimits) : await openDuck(duckLimits);
      const resultPath = path.join(work, "result.parquet");
      const views = datasets.map((d) => ({ name: d.name, paths: d.files.map((k) => localFile(deps, k)) }));
      await lockDownSession(duck.conn, { datasets: views, resultPath });
      const sql = await checkUserSql(duck.conn, run.sql);
      scanBytes = await scannedBytes(duck, sql, datasets);
      if (await cancelledEarly) stop("cancel");
      if (stopped) throw new Error("INTERRUPT: stopped before the statement ran");
      const copied = await duck.conn.runAndReadAll(
        `COPY (\n${sql}\n) TO ${lit(resultPath)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      const head = await duck.conn.runAndReadAll(
        `SELECT * FROM read_parquet(${lit(resultPath)}) LIMIT ${deps.config.QUERY_PREVIEW_ROWS}`,
      );
      const key = resultKey(run.tenantId, run.id);
      await deps.storage.put(key, fs.createReadStream(resultPath));
      outcome = {
        status: "SUCCEEDED",
        columns: head.columnNames().map((name, i) => ({ name, type: head.columnType(i).toString() })),
        previewRows: head.getRowObjectsJson(),
        rowCount: BigInt(String(copied.getRows()[0]?.[0] ?? 0)),
        resultKey: key,
        resultBytes: BigInt(fs.statSync(resultPath).size),
        cacheable: fingerprint === undefined || fingerprint === datasetsFingerprint(datasets),
        durationMs: ms(),
        scanBytes,
      };
    } catch (e) {
      const failed = failure(e, stopped, limits.timeoutMs, ms(), scanBytes);
      log.info({ err: failed.error }, "query did not succeed");
      outcome = failed;
    } finally {
      clearTimeout(timer);
      clearInterval(nag);
      unsubscribe?.();
    }
    // Answer first; closing DuckDB and removing the work files are off the query's path.
    try {
      await finishQueryRun(deps.db, run, outcome);
    } finally {
      if (duck) closeDuck(duck);
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}

function localFile(deps: WorkerDeps, key: string): string {
  const p = deps.storage.localPath(key);
  if (!p) throw new Error("query needs local Parquet files");
  return p;
}

/** Stored Parquet bytes of the datasets the statement reads: what the monthly scan quota counts. */
async function scannedBytes(duck: Duck, sql: string, datasets: VisibleDatasetVersion[]): Promise<bigint> {
  const read = await referencedDatasets(
    duck.conn,
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
