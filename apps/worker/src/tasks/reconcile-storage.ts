import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { runReconciliation } from "@scrollintel/core/reconcile/run-reconciliation";
import type { WorkerDeps } from "../worker-deps";

/** Crontab line: nightly, after the archive run, one attempt (`max=1`): the next night runs it again. */
export const RECONCILE_STORAGE_CRON = "43 4 * * * reconcile-storage ?max=1";

/**
 * reconcile-storage (cron, or on demand from the operator console): every
 * tenant's counters against the objects in storage; orphans past the grace
 * period removed, drift corrected, each correction audited; one report row.
 */
export function makeReconcileStorageTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { reportId } = JOBS["reconcile-storage"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "reconcile-storage" });
    const graceMs = deps.config.RECONCILE_GRACE_HOURS * 3_600_000;
    // Orphans are removed only while no backup is copying objects (the backup lock's sweep side).
    const swept = await withObjectSweepLock(deps.db, () =>
      runReconciliation({ db: deps.db, storage: deps.storage, graceMs, reportId, log }),
    );
    if (!swept.ran) throw new Error("a backup is running; reconciliation waits for it (the job is retried)");
    const r = swept.result;
    const removed = r.tenants.reduce((n, t) => n + t.orphansRemoved.count, 0);
    const corrected = r.tenants.filter((t) => t.used.before !== t.used.after || t.reserved.before !== t.reserved.after);
    log.info({ reportId: r.reportId, tenants: r.tenants.length, removed, corrected: corrected.length }, "reconciled");
  };
}
