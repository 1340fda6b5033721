import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { expireIdleUploads } from "@scrollintel/core/services/upload-service";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: every 15 minutes; `max=1` so a worker that was down does not run a backlog of sweeps. */
export const EXPIRE_UPLOADS_CRON = "*/15 * * * * expire-uploads ?max=1";

/**
 * expire-uploads (cron): unfinished uploads idle past the expiry give their
 * reservation back and lose their bytes. Idempotent: a second run finds
 * nothing the first one expired. It deletes objects, so it holds the sweep side
 * of the backup lock and skips its round while a backup runs.
 */
export function makeExpireUploadsTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    JOBS["expire-uploads"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "expire-uploads" });
    const swept = await withObjectSweepLock(deps.db, () => expireIdleUploads(deps.db, deps.storage));
    if (!swept.ran) return log.info("a backup is running; expiring uploads on the next round");
    const r = swept.result;
    if (r.expired) log.info({ expired: r.expired, releasedBytes: r.releasedBytes.toString() }, "expired idle uploads");
  };
}
