import type { Task } from "graphile-worker";
import { ensureAuditPartitions } from "@scrollintel/core/services/audit-service";
import { pruneRateWindows } from "@scrollintel/core/services/rate-limit-service";
import type { WorkerDeps } from "../worker-deps";

/** cron: audit partitions for the coming months, and old rate-limit windows dropped. */
export function makeMaintenanceTask(deps: WorkerDeps): Task {
  return async () => {
    await ensureAuditPartitions(deps.db);
    const pruned = await pruneRateWindows(deps.db);
    deps.log.debug({ pruned }, "maintenance done");
  };
}
