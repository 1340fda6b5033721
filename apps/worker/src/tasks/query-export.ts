import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { finishExport, startExport } from "@scrollintel/core/services/query-export-service";
import { closeDuck, duckMessage, lit } from "../duck/open-duck";
import { openResultSession } from "../duck/result-session";
import type { WorkerDeps } from "../worker-deps";

/**
 * query-export: the full stored result as CSV, streamed by DuckDB from the
 * result Parquet to a file and from there into storage; nothing holds the
 * whole result in memory.
 */
export function makeQueryExportTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { exportId } = JOBS["query-export"].parse(payload);
    const exp = await startExport(deps.db, exportId);
    if (!exp) return;
    const work = path.join(deps.config.dataDir, "work", `export-${exp.id}`);
    fs.mkdirSync(work, { recursive: true });
    const outPath = path.join(work, "result.csv");
    const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
    try {
      const { duck, resultFile } = await openResultSession(deps, { ...exp, work, outPath });
      try {
        await duck.conn.run(
          `COPY (SELECT * FROM read_parquet(${lit(resultFile)})) TO ${lit(outPath)} (FORMAT csv, HEADER true)`,
        );
      } finally {
        closeDuck(duck);
      }
      await deps.storage.put(exp.objectKey, fs.createReadStream(outPath));
      await finishExport(deps.db, exp.id, { objectKey: exp.objectKey, bytes: BigInt(fs.statSync(outPath).size) });
    } catch (e) {
      deps.log.warn({ jobId: helpers.job.id, exportId, err: duckMessage(e) }, "export failed");
      if (lastAttempt) await finishExport(deps.db, exp.id, { error: `Export failed: ${duckMessage(e)}` });
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
