import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { isDomainError } from "@scrollintel/core/errors";
import { JOBS } from "@scrollintel/core/jobs";
import { resultKey } from "@scrollintel/core/keys";
import { finishQueryRun, startQueryRun } from "@scrollintel/core/services/query-run-service";
import { findQueryableDatasets } from "@scrollintel/core/services/dataset-service";
import { closeDuck, duckMessage, lit, openDuck } from "../duck/open-duck";
import { checkUserSql, lockDownSession } from "../duck/sandbox";
import { localPathsFor } from "../local-path-for";
import type { WorkerDeps } from "../worker-deps";

/**
 * query: runs one tenant's SELECT in a sandboxed DuckDB session, writes the
 * full result to Parquet and keeps the first rows for the page.
 */
export function makeQueryTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { queryRunId } = JOBS.query.parse(payload);
    const run = await startQueryRun(deps.db, queryRunId);
    if (!run) return;
    const log = deps.log.child({ jobId: helpers.job.id, task: "query", queryRunId, tenantId: run.tenantId });
    const started = performance.now();
    const work = path.join(deps.config.dataDir, "work", `query-${run.id}`);
    fs.mkdirSync(work, { recursive: true });
    const resultPath = path.join(work, "result.parquet");
    const duck = await openDuck({
      memoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
      threads: deps.config.DUCKDB_THREADS,
      tempDir: path.join(work, "spill"),
    });
    const timer = setTimeout(() => duck.conn.interrupt(), deps.config.QUERY_TIMEOUT_MS);
    try {
      const datasets = [];
      for (const d of await findQueryableDatasets(deps.db, run.tenantId)) {
        datasets.push({ name: d.name, paths: await localPathsFor(deps, d.files) });
      }
      await lockDownSession(duck.conn, { datasets, resultPath });
      const sql = await checkUserSql(duck.conn, run.sql);
      await duck.conn.run(`COPY (\n${sql}\n) TO ${lit(resultPath)} (FORMAT parquet, COMPRESSION zstd)`);
      const src = `read_parquet(${lit(resultPath)})`;
      const head = await duck.conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${deps.config.QUERY_PREVIEW_ROWS}`);
      const count = (await duck.conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${src}`)).getRowObjectsJson();
      const columns = head.columnNames().map((name, i) => ({ name, type: head.columnType(i).toString() }));
      const key = resultKey(run.tenantId, run.id);
      await deps.storage.put(key, fs.createReadStream(resultPath));
      await finishQueryRun(deps.db, run.id, {
        status: "SUCCEEDED",
        columns,
        previewRows: head.getRowObjectsJson(),
        rowCount: BigInt(String(count[0]?.n ?? 0)),
        durationMs: Math.round(performance.now() - started),
      });
    } catch (e) {
      const timedOut = /interrupt/i.test(duckMessage(e));
      const message = timedOut
        ? `Query stopped after ${deps.config.QUERY_TIMEOUT_MS} ms (the time limit).`
        : isDomainError(e)
          ? e.message
          : duckMessage(e);
      log.info({ err: message }, "query failed");
      await finishQueryRun(deps.db, run.id, {
        status: "FAILED",
        error: message,
        durationMs: Math.round(performance.now() - started),
      });
    } finally {
      clearTimeout(timer);
      closeDuck(duck);
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
