import fs from "node:fs";
import path from "node:path";
import type { JobHelpers, Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { datasetVersionPrefix } from "@scrollintel/core/keys";
import type { Logger } from "@scrollintel/core/logger";
import {
  completeIngest,
  failIngest,
  saveDetected,
  startIngest,
  type IngestStart,
} from "@scrollintel/core/services/ingest-service";
import { holdsJob } from "@scrollintel/core/services/worker-liveness-service";
import { convertSource, type ConvertedSource } from "../duck/convert-source";
import { describeParts } from "../duck/convert-to-parquet";
import { explainDuckError } from "../duck/explain-duck-error";
import { closeDuck, openDuck } from "../duck/open-duck";
import { profileColumns } from "../duck/profile-columns";
import { startReporter, type IngestReporter } from "../ingest-reporter";
import { integrityProblem, localCopyOf, sha256File } from "../source-file";
import type { WorkerDeps } from "../worker-deps";

const PREVIEW_ROWS = 50;
/** An append waits this long before looking again whether the version below it has settled. */
const APPEND_WAIT_MS = 3000;
/** An ingest over its tenant's concurrent-jobs limit looks again after this long. */
const BUSY_WAIT_MS = 5000;

type Run = Extract<IngestStart, { state: "run" }>;

/** Thrown for problems with the file itself: the version fails with this message and is not retried. */
class InputError extends Error {}
/** This worker was taken for dead and its job released: another worker owns the version now. */
class LostJobError extends Error {}

/**
 * ingest: uploaded file -> zstd Parquet parts under the version's prefix ->
 * READY. Safe to run again after a crash: the scratch directory and the
 * version prefix are cleared first, and nothing is visible to queries until
 * completeIngest commits.
 */
export function makeIngestTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { datasetVersionId } = JOBS.ingest.parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "ingest", datasetVersionId });
    const start = await startIngest(deps.db, datasetVersionId);
    if (start.state === "skip") return;
    if (start.state === "refused") return failIngest(deps.db, datasetVersionId, start.message);
    if (start.state === "wait" || start.state === "busy") {
      if (start.state === "wait") log.info({ blockedBy: start.blockedBy }, "append waits for the version below it");
      else log.info({ running: start.running }, "tenant at its concurrent-jobs limit: ingest waits");
      // Under its own job key: graphile-worker replaces a pending job of that key, never adds a second.
      // In the same tenant lane: without a queue name it would leave the tenant's fair share.
      await helpers.addJob("ingest", payload as object, {
        jobKey: `ingest:${datasetVersionId}`,
        queueName: (await helpers.getQueueName()) ?? undefined,
        runAt: new Date(Date.now() + (start.state === "wait" ? APPEND_WAIT_MS : BUSY_WAIT_MS)),
      });
      return;
    }
    await runIngest(deps, start, helpers, log);
  };
}

async function runIngest(deps: WorkerDeps, run: Run, helpers: JobHelpers, log: Logger): Promise<void> {
  const { version, upload } = run;
  const work = path.join(deps.config.dataDir, "work", `ingest-${version.id}`);
  fs.rmSync(work, { recursive: true, force: true });
  const duck = await openDuck({
    memoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
    threads: deps.config.DUCKDB_THREADS,
    tempDir: path.join(work, "spill"),
  });
  const reporter = startReporter({
    db: deps.db,
    versionId: version.id,
    totalBytes: Number(version.sourceBytes),
    log,
    onCancel: () => duck.conn.interrupt(),
  });
  const prefix = datasetVersionPrefix(version.tenantId, version.datasetId, version.version);
  const ms: Record<string, number> = {};
  let t = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    ms[phase] = Math.round(now - t);
    t = now;
  };
  try {
    const source = await localCopyOf(deps.storage, upload.storageKey, path.join(work, "source"));
    lap("fetch");
    // The size is checked before any work; the declared SHA-256 (if any) before the version is READY.
    const truncated = integrityProblem(source, null, upload);
    if (truncated) throw new InputError(truncated);
    const sha256 = sha256File(source);
    sha256.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
    const converted = await convert(deps, run, duck.conn, source, work, reporter);
    lap("convert");
    if (reporter.cancelled) return log.info("ingest cancelled");
    reporter.update({ phase: "profiling", percent: 100, etaSeconds: null, rows: Number(converted.rows) });
    const result = await summarize(deps, run, duck.conn, converted, work);
    lap("profile");
    reporter.update({ phase: "storing" });
    if (!(await holdsJob(deps.db, helpers.job))) throw new LostJobError("another worker took this ingest over");
    await deps.storage.deletePrefix(prefix);
    const keys: string[] = [];
    let storedBytes = 0n;
    for (const [i, file] of converted.parts.entries()) {
      const key = `${prefix}part-${String(i).padStart(5, "0")}.parquet`;
      await deps.storage.put(key, fs.createReadStream(file));
      storedBytes += BigInt(fs.statSync(file).size);
      keys.push(key);
    }
    lap("store");
    const hash = await sha256;
    lap("sha256");
    const damaged = integrityProblem(source, hash, upload);
    if (damaged) {
      await deps.storage.deletePrefix(prefix);
      throw new InputError(damaged);
    }
    const done = await completeIngest(deps.db, version.id, {
      ...result,
      files: [...(run.base?.files ?? []), ...keys],
      storedBytes,
      sha256: hash,
    });
    lap("commit");
    if (!done) {
      await deps.storage.deletePrefix(prefix);
      return log.info("ingest cancelled before it was marked ready");
    }
    log.info({ rows: result.rowCount.toString(), parts: keys.length, ms }, "dataset ready");
  } catch (e) {
    // Neither FAILED nor a cleanup: the version and its prefix are the other worker's now.
    if (e instanceof LostJobError) throw e;
    if (reporter.cancelled) {
      await deps.storage.deletePrefix(prefix);
      return log.info("ingest cancelled");
    }
    if (e instanceof InputError) {
      await failIngest(deps.db, version.id, e.message);
      return log.warn({ err: e.message }, "ingest failed on input");
    }
    if (helpers.job.attempts >= helpers.job.max_attempts) {
      await failIngest(deps.db, version.id, `Ingest failed: ${e instanceof Error ? e.message : String(e)}`);
      // Best effort: parts this attempt stored must not outlive it (storage may be what failed).
      await deps.storage.deletePrefix(prefix).catch(() => undefined);
    }
    throw e;
  } finally {
    await reporter.stop();
    closeDuck(duck);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The DuckDB part: any error here is about the file, said with file, line and column. */
async function convert(
  deps: WorkerDeps,
  run: Run,
  conn: Parameters<typeof convertSource>[0]["conn"],
  source: string,
  work: string,
  reporter: IngestReporter,
): Promise<ConvertedSource> {
  reporter.update({ phase: "converting" });
  try {
    return await convertSource({
      conn,
      file: source,
      workDir: work,
      options: run.options,
      target: run.base?.columns,
      onInspected: (d, i) =>
        saveDetected(deps.db, run.version.id, {
          format: d.format,
          compression: d.compression,
          dialect: i.dialect ?? null,
          columns: i.columns,
          sample: i.sample,
        }),
      onProgress: (p) => reporter.update(p),
    });
  } catch (e) {
    if (reporter.cancelled) throw e;
    throw new InputError(explainDuckError(e, run.upload.filename, source));
  }
}

/** Row counts, preview and column profiles: over the base version's parts too, for an append. */
async function summarize(
  deps: WorkerDeps,
  run: Run,
  conn: Parameters<typeof convertSource>[0]["conn"],
  converted: ConvertedSource,
  work: string,
) {
  const baseFiles = await Promise.all(
    (run.base?.files ?? []).map((key, i) => localCopyOf(deps.storage, key, path.join(work, "base", String(i)))),
  );
  const files = [...baseFiles, ...converted.parts];
  const described = files.length
    ? await describeParts(conn, files, PREVIEW_ROWS)
    : { columns: converted.columns, rowCount: 0n, preview: [] };
  const profile = files.length ? await profileColumns(conn, files, described.columns, Number(described.rowCount)) : [];
  return {
    columns: described.columns,
    rowCount: described.rowCount,
    ingestedRows: converted.rows,
    preview: described.preview,
    profile,
    rejectedRows: converted.rejectedRows,
    rejects: converted.rejects,
  };
}
