import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { expireStoredResults } from "@scrollintel/core/services/result-retention-service";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: every 15 minutes; `max=1` so a worker that was down does not run a backlog of sweeps. */
export const EXPIRE_RESULTS_CRON = "*/15 * * * * expire-results ?max=1";

/**
 * expire-results (cron): stored query results, their exports and result
 * pages older than each tenant's `resultDays` go, and their bytes leave the
 * tenant's usage. Idempotent: a second run finds nothing the first removed.
 * It deletes objects, so it holds the sweep side of the backup lock and skips
 * its round while a backup runs.
 */
export function makeExpireResultsTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    JOBS["expire-results"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "expire-results" });
    const swept = await withObjectSweepLock(deps.db, () => expireStoredResults(deps.db, deps.storage));
    if (!swept.ran) return log.info("a backup is running; expiring results on the next round");
    const r = swept.result;
    if (r.results) {
      log.info(
        { results: r.results, exports: r.exports, releasedBytes: r.releasedBytes.toString() },
        "expired stored results",
      );
    }
  };
}
