import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { archiveDataset } from "@scrollintel/core/tiering/archive-service";
import { findColdDatasets } from "@scrollintel/core/tiering/cold-datasets";
import { makeRecompress } from "../duck/recompress-parquet";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: nightly, one attempt (`max=1`): a dataset left half moved is finished by the next night's run. */
export const ARCHIVE_DATASETS_CRON = "17 3 * * * archive-datasets ?max=1";

/**
 * archive-datasets (cron): datasets no query read for the tenant's
 * archiveAfterDays move to the cold tier, one at a time. A dataset that
 * fails stays ARCHIVING (queries refuse it) and the next run finishes it.
 */
export function makeArchiveDatasetsTask(deps: WorkerDeps): Task {
  const recompress = makeRecompress(deps.config);
  return async (payload, helpers) => {
    JOBS["archive-datasets"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "archive-datasets" });
    let archived = 0;
    for (const d of await findColdDatasets(deps.db)) {
      try {
        // A move deletes the warm copies: never while a backup is copying objects.
        const moved = await withObjectSweepLock(deps.db, () => archiveDataset({ ...deps, recompress }, d));
        if (!moved.ran) return log.info({ archived }, "a backup is running; archiving the rest on the next run");
        if (moved.result) archived++;
      } catch (e) {
        log.warn({ ...d, err: e instanceof Error ? e.message : String(e) }, "could not archive a dataset yet");
      }
    }
    if (archived) log.info({ archived }, "archived cold datasets");
  };
}
