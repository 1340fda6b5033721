import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { findDiscardedParts, releaseDiscardedParts } from "@scrollintel/core/services/discard-version-service";
import type { WorkerDeps } from "../worker-deps";

/**
 * discard-version: a version discarded after review keeps no bytes. Objects
 * first, then the counter, so a crash between them retries the removal
 * (deleting a prefix twice is harmless) rather than leaving bytes uncounted.
 */
export function makeDiscardVersionTask(deps: WorkerDeps): Task {
  return async (payload) => {
    const { datasetVersionId } = JOBS["discard-version"].parse(payload);
    const prefix = await findDiscardedParts(deps.db, datasetVersionId);
    if (!prefix) return;
    // Never while a backup is copying objects (the backup lock's sweep side); graphile retries the job after it.
    const swept = await withObjectSweepLock(deps.db, () => deps.storage.deletePrefix(prefix));
    if (!swept.ran) throw new Error("a backup is running; the discarded parts are removed after it");
    await releaseDiscardedParts(deps.db, datasetVersionId);
    deps.log.info({ datasetVersionId, task: "discard-version" }, "discarded version's parts removed");
  };
}
