import fsp from "node:fs/promises";
import path from "node:path";
import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { JOBS } from "@scrollintel/core/jobs";
import { tenantPrefix } from "@scrollintel/core/keys";
import type { WorkerDeps } from "../worker-deps";
import { cacheRoot } from "../local-path-for";

/**
 * purge-tenant: after a tenant's deletion (its data keys are already gone, so
 * its objects are unreadable), removes its objects and this worker's cached
 * copies. Other workers drop their copies on next use (localPathFor). It
 * deletes objects, so it waits for a running backup (the job is retried).
 */
export function makePurgeTenantTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { tenantId } = JOBS["purge-tenant"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "purge-tenant", tenantId });
    await fsp.rm(path.join(cacheRoot(deps.config), "tenants", tenantId), { recursive: true, force: true });
    const swept = await withObjectSweepLock(deps.db, () => deps.storage.deletePrefix(tenantPrefix(tenantId)));
    if (!swept.ran) throw new Error("a backup is running; the tenant's objects are removed on the next attempt");
    log.info({ objects: swept.result }, "removed the deleted tenant's objects");
  };
}
