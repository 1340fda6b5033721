import type { Task } from "graphile-worker";
import { rollupUsageDaily } from "@scrollintel/core/services/usage-report-service";
import type { WorkerDeps } from "../worker-deps";

/** cron: folds the usage ledger into per-day totals for the usage charts. */
export function makeUsageRollupTask(deps: WorkerDeps): Task {
  return async () => {
    const n = await rollupUsageDaily(deps.db, 2);
    deps.log.debug({ rows: n }, "usage rolled up");
  };
}
