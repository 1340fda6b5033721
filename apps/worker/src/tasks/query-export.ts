import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { finishExport, startExport } from "@scrollintel/core/services/query-export-service";
import { isDomainError } from "@scrollintel/core/errors";
import { reserveExportOutput } from "@scrollintel/core/services/result-storage";
import { csvSafeSelect } from "../duck/csv-safe-select";
import { closeDuck, duckMessage, lit } from "../duck/open-duck";
import { openResultSession } from "../duck/result-session";
import type { WorkerDeps } from "../worker-deps";

/**
 * query-export: the full stored result as CSV (spreadsheet-safe text cells),
 * streamed by DuckDB from the result Parquet to a file and from there into
 * storage; nothing holds the whole result in memory.
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
        const select = await csvSafeSelect(duck.conn, resultFile);
        await duck.conn.run(`COPY (${select}) TO ${lit(outPath)} (FORMAT csv, HEADER true)`);
      } finally {
        closeDuck(duck);
      }
      const bytes = BigInt(fs.statSync(outPath).size);
      // Held before it is stored; an export that does not fit fails at once, naming the storage limit.
      if (!(await reserveExportOutput(deps.db, exp.id, bytes))) return;
      await deps.storage.put(exp.objectKey, fs.createReadStream(outPath));
      await finishExport(deps.db, exp.id, { objectKey: exp.objectKey, bytes });
    } catch (e) {
      deps.log.warn({ jobId: helpers.job.id, exportId, err: duckMessage(e) }, "export failed");
      if (isDomainError(e) && e.code === "QUOTA_EXCEEDED") return finishExport(deps.db, exp.id, { error: e.message });
      if (lastAttempt) await finishExport(deps.db, exp.id, { error: `Export failed: ${duckMessage(e)}` });
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
