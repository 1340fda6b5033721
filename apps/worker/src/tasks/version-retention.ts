import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { applyVersionRetention } from "@scrollintel/core/services/version-retention-service";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: hourly at :20; `max=1` so a worker that was down runs it once. */
export const VERSION_RETENTION_CRON = "20 * * * * version-retention ?max=1";

/** version-retention (cron): old versions past the tenant's keepVersions / versionDays go to the trash. */
export function makeVersionRetentionTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    JOBS["version-retention"].parse(payload);
    const r = await applyVersionRetention(deps.db);
    if (r.retired) deps.log.child({ jobId: helpers.job.id }).info({ retired: r.retired }, "old versions to the trash");
  };
}
