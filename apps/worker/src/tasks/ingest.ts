import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { datasetVersionPrefix } from "@scrollintel/core/keys";
import { completeIngest, failIngest, startIngest } from "@scrollintel/core/services/ingest-service";
import { closeDuck, duckMessage, lit, openDuck } from "../duck/open-duck";
import { convertToParquet, describeParts } from "../duck/convert-to-parquet";
import { integrityProblem, localCopyOf, sha256File } from "../source-file";
import type { WorkerDeps } from "../worker-deps";

const PREVIEW_ROWS = 50;

/**
 * ingest: uploaded file -> zstd Parquet parts under the version's prefix ->
 * READY. Safe to run again after a crash: staging and the version prefix are
 * cleared first, and nothing is visible to queries until completeIngest.
 */
export function makeIngestTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { datasetVersionId } = JOBS.ingest.parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "ingest", datasetVersionId });
    const { version, upload } = await startIngest(deps.db, datasetVersionId);
    if (version.status === "READY" || version.status === "FAILED") return;
    const work = path.join(deps.config.dataDir, "work", `ingest-${version.id}`);
    const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
    try {
      const source = await localCopyOf(deps.storage, upload.storageKey, path.join(work, "source"));
      const sha256 = await sha256File(source);
      const damage = integrityProblem(source, sha256, upload);
      if (damage) {
        await failIngest(deps.db, version.id, damage);
        return;
      }
      const duck = await openDuck({
        memoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
        threads: deps.config.DUCKDB_THREADS,
        tempDir: path.join(work, "spill"),
      });
      let described;
      let parts;
      try {
        parts = await convertToParquet(
          duck.conn,
          `read_csv(${lit(source)}, auto_detect = true)`,
          path.join(work, "out"),
        );
        described = await describeParts(duck.conn, parts.files, PREVIEW_ROWS);
      } catch (e) {
        await failIngest(deps.db, version.id, `Could not read ${upload.filename}: ${duckMessage(e)}`);
        log.warn({ err: duckMessage(e) }, "ingest failed on input");
        return;
      } finally {
        closeDuck(duck);
      }
      const prefix = datasetVersionPrefix(version.tenantId, version.datasetId, version.version);
      await deps.storage.deletePrefix(prefix);
      const keys: string[] = [];
      let storedBytes = 0n;
      for (const [i, file] of parts.files.entries()) {
        const key = `${prefix}part-${String(i).padStart(5, "0")}.parquet`;
        await deps.storage.put(key, fs.createReadStream(file));
        storedBytes += BigInt(fs.statSync(file).size);
        keys.push(key);
      }
      await completeIngest(deps.db, version.id, { ...described, files: keys, storedBytes, sha256 });
      log.info({ rows: described.rowCount.toString(), parts: keys.length }, "dataset ready");
    } catch (e) {
      if (lastAttempt) await failIngest(deps.db, version.id, `Ingest failed: ${duckMessage(e)}`);
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
