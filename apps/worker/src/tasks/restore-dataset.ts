import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { giveUpRestore, restoreDataset } from "@scrollintel/core/tiering/restore-service";
import type { WorkerDeps } from "../worker-deps";

/** How long to wait before looking again at objects S3 is still thawing (GLACIER classes take hours). */
const THAW_RECHECK_MS = 15 * 60 * 1000;

/**
 * restore-dataset: the Restore action. Objects come back to the warm tier
 * with progress in the dataset row; when S3 is still thawing some, the job
 * is queued again for later. Out of attempts, the dataset is ARCHIVED again
 * with the error on its page.
 */
export function makeRestoreDatasetTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { datasetId } = JOBS["restore-dataset"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "restore-dataset", datasetId });
    try {
      // A restore deletes the archive copies: never while a backup is copying objects (retried after it).
      const moved = await withObjectSweepLock(deps.db, () => restoreDataset(deps.db, deps.storage, datasetId));
      if (!moved.ran) throw new Error("a backup is running; the restore continues after it");
      const r = moved.result;
      if (r === "pending") {
        await helpers.addJob("restore-dataset", { datasetId }, { runAt: new Date(Date.now() + THAW_RECHECK_MS) });
        log.info("archived objects are still being thawed; looking again later");
      }
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await giveUpRestore(deps.db, datasetId, `Restore failed: ${error}`);
        return;
      }
      throw e;
    }
  };
}
