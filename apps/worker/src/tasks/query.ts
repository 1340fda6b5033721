import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { resultKey } from "@scrollintel/core/keys";
import type { Logger } from "@scrollintel/core/logger";
import { readerFingerprint } from "@scrollintel/core/query-cache-key";
import { selectSqlFor, whereSqlFor } from "@scrollintel/core/access/effective-access";
import {
  abandonQueryRun,
  finishQueryRun,
  isQueryRunCancelled,
  startQueryRun,
  type QueryOutcome,
} from "@scrollintel/core/services/query-run-service";
import { reserveQueryResult } from "@scrollintel/core/services/result-storage";
import { isDomainError } from "@scrollintel/core/errors";
import { auditSandboxRefusal } from "@scrollintel/core/services/refusal-audit-service";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { withSpan } from "@scrollintel/core/tracing";
import { archivedError, touchQueriedVersions } from "@scrollintel/core/tiering/queryable";
import { namesInSql } from "@scrollintel/core/tiering/sql-names";
import { EnginePool } from "../engine/engine-pool";
import { ENGINE_STOPPED, type EngineOptions } from "../engine/engine-protocol";
import { localPathsFor } from "../local-path-for";
import { streamSandboxDataset } from "../duck/stream-sandbox";
import type { WorkerDeps } from "../worker-deps";
import { ARCHIVE_STATUS } from "@scrollintel/core/archive-status";

/**
 * Starts of one query job after which it is failed for good: each start that
 * did not finish took its engine (or its worker) down with it.
 */
const MAX_STARTS = 2;

/** An engine pool for a task made without the worker's shared one (tests, tools). */
export function makeEnginePool(
  deps: Pick<WorkerDeps, "config" | "log">,
  idleMs = 60_000,
  extra: Pick<EngineOptions, "unlisted"> = {},
): EnginePool {
  return new EnginePool({
    ...extra,
    workDir: path.join(deps.config.dataDir, "work"),
    threads: deps.config.DUCKDB_THREADS,
    sessionIdleMs: idleMs,
    maxInstances: 4,
    spareMemoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
    idleMs,
    maxEngines: Math.max(2, deps.config.WORKER_CONCURRENCY * 2),
    log: deps.log,
  });
}

const defaultPools = new WeakMap<object, EnginePool>();

/** One pool per worker configuration, for tasks made without the worker's shared one. */
function defaultPool(deps: WorkerDeps): EnginePool {
  let pool = defaultPools.get(deps.config);
  if (!pool) defaultPools.set(deps.config, (pool = makeEnginePool(deps)));
  return pool;
}

/**
 * query: runs one tenant's SELECT in that tenant's engine process
 * (engine/engine-pool.ts), in a sandboxed DuckDB instance with the limits of
 * the tenant's plan, stores the full result Parquet and keeps a preview.
 * Whatever fails, the run ends: an engine that dies ends it FAILED with
 * ENGINE_STOPPED, and the worker carries on.
 */
export function makeQueryTask(deps: WorkerDeps): Task {
  const engines = deps.engines ?? defaultPool(deps);
  return async (payload, helpers) => {
    const { queryRunId, fingerprint } = JOBS.query.parse(payload);
    if (helpers.job.attempts > MAX_STARTS) {
      await abandonQueryRun(deps.db, queryRunId, ENGINE_STOPPED);
      return;
    }
    const started = await startQueryRun(deps.db, queryRunId, { retried: helpers.job.attempts > 1 });
    if (!started) return;
    const { run, limits, access } = started;
    const seen = readerFingerprint(started.datasets, access.digest);
    // Archived datasets are not in the sandbox; a query naming one is refused (archived after it was queued).
    const datasets = started.datasets.filter((d) => d.archiveStatus === ARCHIVE_STATUS.WARM);
    const cold = namesInSql(
      run.sql,
      started.datasets.filter((d) => d.archiveStatus !== ARCHIVE_STATUS.WARM).map((d) => d.name),
    );
    const log = deps.log.child({ jobId: helpers.job.id, task: "query", queryRunId, tenantId: run.tenantId });
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    const resultPath = engines.resultPathFor(run.tenantId, run.id);
    const unsubscribe = deps.cancels?.subscribe(run.id, () => engines.stop(run.id, "cancel"));
    // A cancel that came before the subscription is in the row.
    const cancelledEarly = isQueryRunCancelled(deps.db, run.id).catch(() => false);
    let outcome: QueryOutcome;
    try {
      const sandboxDatasets = await Promise.all(
        datasets.map(async (d) => ({
          ...(d.streaming
            ? await streamSandboxDataset(deps, d)
            : { name: d.name, paths: await localPathsFor(deps, d.files) }),
          // The reader's masks and row filter live in the view (core/access), so SQL cannot get around them.
          select: selectSqlFor(d.access, access.maskingSecret ?? ""),
          where: whereSqlFor(d.access, access.attributes),
        })),
      );
      if (await cancelledEarly) {
        outcome = { status: "CANCELLED", error: "Cancelled.", durationMs: ms(), scanBytes: 0n };
      } else if (cold.length) {
        outcome = { status: "FAILED", error: archivedError(cold).message, durationMs: ms(), scanBytes: 0n };
      } else {
        const a = await withSpan("duckdb.query", { attributes: { "db.system": "duckdb" } }, () =>
          engines.run({
            runId: run.id,
            session: {
              tenantId: run.tenantId,
              // The warm set: a restored dataset changes it, so the engine builds a session with its view.
              fingerprint: readerFingerprint(datasets, access.digest),
              policy: access.digest,
              memoryLimitMb: limits.memoryLimitMb,
              spillBytesLimit: limits.spillBytesLimit,
              datasets: sandboxDatasets,
            },
            sql: run.sql,
            resultPath,
            datasetBytes: datasets.map((d) => [d.name, d.storedBytes]),
            timeoutMs: limits.timeoutMs,
            previewRows: deps.config.QUERY_PREVIEW_ROWS,
            resultRowsLimit: limits.resultRowsLimit,
            resultBytesLimit: limits.resultBytesLimit,
          }),
        );
        if (!a.ok) {
          outcome = { status: a.status, error: a.error, durationMs: ms(), scanBytes: a.scanBytes };
          if (a.refused) await auditSandboxRefusal(deps.db, run, a.error);
        } else {
          const key = resultKey(run.tenantId, run.id);
          // Held before it is stored; a result that does not fit is refused, naming the storage limit.
          await reserveQueryResult(deps.db, run.id, a.resultBytes);
          await deps.storage.put(key, fs.createReadStream(resultPath));
          outcome = {
            status: "SUCCEEDED",
            columns: a.columns,
            previewRows: a.previewRows,
            resultBytes: a.resultBytes,
            rowCount: a.rowCount,
            engineMs: a.engineMs,
            resultKey: key,
            cacheable: fingerprint === undefined || fingerprint === seen,
            durationMs: ms(),
            scanBytes: a.scanBytes,
          };
        }
      }
    } catch (e) {
      outcome = {
        status: "FAILED",
        error:
          isDomainError(e) && e.code === "QUOTA_EXCEEDED" ? e.message : `Could not run this query: ${firstLine(e)}`,
        durationMs: ms(),
        scanBytes: 0n,
      };
    } finally {
      unsubscribe?.();
    }
    if (outcome.status !== "SUCCEEDED") log.info({ err: outcome.error }, "query did not succeed");
    countQuery(outcome);
    try {
      await finishRun(deps, run, outcome, log);
      if (outcome.status === "SUCCEEDED") await touchQueriedVersions(deps.db, namedVersions(run.sql, datasets));
    } finally {
      fs.rmSync(resultPath, { force: true });
    }
  };
}

/** Query latency by final status, engine time of successful runs and bytes scanned. */
function countQuery(outcome: QueryOutcome): void {
  const m = workerMetrics();
  m.queryDuration.observe({ status: outcome.status }, outcome.durationMs / 1000);
  if (outcome.status === "SUCCEEDED") m.queryEngine.observe(outcome.engineMs / 1000);
  m.queryScanBytes.inc(Number(outcome.scanBytes));
}

/**
 * Records the outcome; when that fails (a preview PostgreSQL will not take,
 * say), records the failure instead, so no run is left RUNNING.
 */
async function finishRun(
  deps: WorkerDeps,
  run: { id: string; tenantId: string },
  outcome: QueryOutcome,
  log: Logger,
): Promise<void> {
  try {
    const status = await finishQueryRun(deps.db, run, outcome);
    // Cancelled while its result was being stored: the object is nobody's, and uncounted.
    if (outcome.status === "SUCCEEDED" && status !== "SUCCEEDED") await deps.storage.delete(outcome.resultKey);
  } catch (e) {
    log.warn({ err: firstLine(e) }, "could not record the query's outcome; recording a failure");
    if (outcome.status === "SUCCEEDED") await deps.storage.delete(outcome.resultKey).catch(() => undefined);
    const quota = isDomainError(e) && e.code === "QUOTA_EXCEEDED";
    const error = quota ? e.message : `Could not store the result of this query: ${firstLine(e)}`;
    await finishQueryRun(deps.db, run, {
      status: "FAILED",
      error,
      durationMs: outcome.durationMs,
      scanBytes: outcome.scanBytes,
    });
  }
}

/** The versions a query read, for tiering's "last queried at" (the names its SQL mentions). */
function namedVersions(sql: string, datasets: { name: string; datasetId: string; version: number }[]) {
  const named = new Set(
    namesInSql(
      sql,
      datasets.map((d) => d.name),
    ),
  );
  return datasets.filter((d) => named.has(d.name));
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.trim();
}
