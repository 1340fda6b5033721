import fs from "node:fs";
import path from "node:path";
import type { JobHelpers, Task } from "graphile-worker";
import { AccountingMismatchError, assertAccounting } from "@scrollintel/core/ingest-accounting";
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
import { reserveIngestOutput } from "@scrollintel/core/services/ingest-storage";
import { holdsJob } from "@scrollintel/core/services/worker-liveness-service";
import { isDomainError } from "@scrollintel/core/errors";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { withSpan } from "@scrollintel/core/tracing";
import { convertSource, type ConvertedSource } from "../duck/convert-source";
import { CompressedStreamError } from "../duck/decoded-stream";
import { describeParts } from "../duck/convert-to-parquet";
import { explainReadError } from "../duck/explain-read-error";
import { UTF8_COPY } from "../duck/prepare-source";
import { closeDuck, openDuck } from "../duck/open-duck";
import { profileColumns } from "../duck/profile-columns";
import { NdjsonLineError } from "../duck/scan-ndjson";
import { startReporter, type IngestReporter } from "../ingest-reporter";
import { integrityProblem, localCopyOf } from "../source-file";
import type { WorkerDeps } from "../worker-deps";

const PREVIEW_ROWS = 50;
/** An append waits this long before looking again whether the version below it has settled. */
const APPEND_WAIT_MS = 3000;
/** An ingest over its tenant's concurrent-jobs limit looks again after this long. */
const BUSY_WAIT_MS = 5000;

type Run = Extract<IngestStart, { state: "run" }>;

/** Thrown for problems with the file itself: the version fails with this message and is not retried. */
class InputError extends Error {}
/** A refusal from the storage quota is about this ingest, not a fault to retry: it fails with the message. */
function asInputError(e: unknown): never {
  throw isDomainError(e) && e.code === "QUOTA_EXCEEDED" ? new InputError(e.message) : e;
}

const sizeOfParts = (parts: string[]) => parts.reduce((n, f) => n + BigInt(fs.statSync(f).size), 0n);

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
  const t0 = performance.now();
  let t = t0;
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
    const converted = await withSpan("duckdb.convert", { attributes: { "db.system": "duckdb" } }, () =>
      convert(deps, run, duck.conn, source, work, reporter),
    );
    lap("convert");
    if (reporter.cancelled) return log.info("ingest cancelled");
    reporter.update({ phase: "profiling", percent: 100, etaSeconds: null, rows: Number(converted.rows) });
    // The parts are stored while the profile reads them: one waits on the disk or the network, the other on
    // DuckDB, and the version is ready the sooner. Both settle before anything is cleaned up.
    const storing = storeParts(deps, helpers, { versionId: version.id, prefix, parts: converted.parts });
    storing.catch(() => undefined);
    const result = await withSpan("duckdb.profile", { attributes: { "db.system": "duckdb" } }, () =>
      summarize(deps, run, duck.conn, converted, work),
    ).catch(async (e: unknown) => {
      await storing.catch(() => undefined);
      throw e;
    });
    lap("profile");
    reporter.update({ phase: "storing" });
    const stored = await storing;
    if (!stored) return log.info("ingest cancelled before its parts were stored");
    const { keys, storedBytes } = stored;
    lap("store");
    const hash = await converted.sha256;
    lap("sha256");
    const damaged = integrityProblem(source, hash, upload);
    if (damaged) throw new InputError(damaged);
    const done = await completeIngest(deps.db, version.id, {
      ...result,
      files: [...(run.base?.files ?? []), ...keys],
      storedBytes,
      sha256: hash,
    }).catch(async (e: unknown) => {
      // The tenant was suspended meanwhile: the version fails saying so (and its parts go, as on any input error).
      if (!(isDomainError(e) && e.code === "FORBIDDEN")) throw e;
      throw new InputError(e.message);
    });
    lap("commit");
    if (!done) {
      await deps.storage.deletePrefix(prefix);
      return log.info("ingest cancelled before it was marked ready");
    }
    log.info({ rows: result.rowCount.toString(), parts: keys.length, ms }, "dataset ready");
    countIngest("ready", t0, { bytes: version.sourceBytes, rows: result.ingestedRows });
  } catch (e) {
    // Neither FAILED nor a cleanup: the version and its prefix are the other worker's now.
    if (e instanceof LostJobError) throw e;
    if (reporter.cancelled) {
      await deps.storage.deletePrefix(prefix);
      return log.info("ingest cancelled");
    }
    if (e instanceof InputError) {
      countIngest("failed", t0);
      // A failed version keeps no parts (some may have been stored while the profile ran).
      await deps.storage.deletePrefix(prefix);
      await failIngest(deps.db, version.id, e.message);
      return log.warn({ err: e.message }, "ingest failed on input");
    }
    countIngest("error", t0);
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

/**
 * The version's parts under its prefix, after checking the job is still this
 * worker's and holding their storage (refused: an input error naming the
 * limit); null when the version was cancelled before they were held.
 */
async function storeParts(
  deps: WorkerDeps,
  helpers: JobHelpers,
  input: { versionId: string; prefix: string; parts: string[] },
): Promise<{ keys: string[]; storedBytes: bigint } | null> {
  if (!(await holdsJob(deps.db, helpers.job))) throw new LostJobError("another worker took this ingest over");
  if (!(await reserveIngestOutput(deps.db, input.versionId, sizeOfParts(input.parts)).catch(asInputError))) return null;
  await deps.storage.deletePrefix(input.prefix);
  const keys: string[] = [];
  let storedBytes = 0n;
  for (const [i, file] of input.parts.entries()) {
    const key = `${input.prefix}part-${String(i).padStart(5, "0")}.parquet`;
    const size = fs.statSync(file).size;
    // One part can be the whole dataset (see convert-to-parquet): S3 sizes its multipart parts from this.
    await deps.storage.put(key, fs.createReadStream(file), { sizeBytes: size });
    storedBytes += BigInt(size);
    keys.push(key);
  }
  return { keys, storedBytes };
}

/** Ingest throughput for the metrics: source bytes and rows of READY versions, and every run's duration. */
function countIngest(outcome: "ready" | "failed" | "error", t0: number, done?: { bytes: bigint; rows: bigint }): void {
  const m = workerMetrics();
  m.ingestDuration.observe({ outcome }, (performance.now() - t0) / 1000);
  if (done) {
    m.ingestBytes.inc(Number(done.bytes));
    m.ingestRows.inc(Number(done.rows));
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
  let converted: ConvertedSource;
  try {
    converted = await convertSource({
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
    // Already said for people (file name, line or byte); DuckDB's own errors are rephrased.
    if (e instanceof CompressedStreamError || e instanceof NdjsonLineError) {
      throw new InputError(`${run.upload.filename}: ${e.message}`);
    }
    const at = { filename: run.upload.filename, source, localPaths: [source, path.join(work, UTF8_COPY)] };
    throw new InputError(await explainReadError(e, { ...at, options: run.options }));
  }
  // Never READY with a record unaccounted for: the version fails instead.
  try {
    assertAccounting(converted.accounting);
  } catch (e) {
    if (e instanceof AccountingMismatchError) throw new InputError(`${run.upload.filename}: ${e.message}`);
    throw e;
  }
  return converted;
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
    recordsRead: converted.accounting.read,
    maxRejectPercent: run.options.maxRejectPercent,
  };
}
