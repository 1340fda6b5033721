import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { sweepTrash } from "@scrollintel/core/services/trash-sweep-service";
import { cacheRoot } from "../local-path-for";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: every 10 minutes; `max=1` so a worker that was down runs one sweep, not a backlog. */
export const TRASH_SWEEP_CRON = "*/10 * * * * trash-sweep ?max=1";

/**
 * trash-sweep (cron): purges every trash item past its tenant's trashDays,
 * tombstone first. A sweep that crashed mid-way left its items PURGING with
 * their object lists; this run finishes them (deleting an object already gone is a no-op).
 */
export function makeTrashSweepTask(deps: WorkerDeps): Task {
  const root = cacheRoot(deps.config);
  // This worker's hot-cache copy of a purged object goes with it (other workers' copies age out of their caches).
  const dropCached = (o: { key: string }) => {
    const file = path.resolve(root, o.key);
    if (file.startsWith(root + path.sep)) fs.rmSync(file, { force: true });
  };
  return async (payload, helpers) => {
    JOBS["trash-sweep"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "trash-sweep" });
    // Objects go only while no backup is copying them (the backup lock's sweep side).
    const swept = await withObjectSweepLock(deps.db, () =>
      sweepTrash(deps.db, deps.storage, { afterDelete: dropCached }),
    );
    if (!swept.ran) return log.info("a backup is running; sweeping the trash on the next round");
    const r = swept.result;
    if (r.purged) log.info({ purged: r.purged, freedBytes: r.freedBytes.toString() }, "purged trash");
    if (r.failed.length) {
      log.warn({ failed: r.failed }, "some trash items could not be purged yet; the next sweep resumes them");
      throw new Error(`${r.failed.length} trash item(s) not purged: ${r.failed[0]!.error}`);
    }
  };
}
