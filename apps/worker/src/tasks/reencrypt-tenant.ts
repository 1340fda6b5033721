import path from "node:path";
import fsp from "node:fs/promises";
import type { Task } from "graphile-worker";
import { withObjectSweepLock } from "@scrollintel/core/backup/object-sweep-lock";
import { reencryptTenant, type ReencryptOpts } from "@scrollintel/core/crypto/reencrypt-tenant";
import { JOBS } from "@scrollintel/core/jobs";
import { isEncrypted } from "@scrollintel/core/storage/encrypted-storage";
import type { WorkerDeps } from "../worker-deps";

/**
 * reencrypt-tenant: a data key rotation's work (core/crypto/reencrypt-tenant).
 * It rewrites and finally retires keys, so it runs holding the backup lock's
 * sweep side: a backup never pairs a database dump without the new key with
 * objects sealed under it. While the rotation waits (uploads in flight under
 * the old key, other processes' key caches) the job comes back later.
 */
export function makeReencryptTenantTask(deps: WorkerDeps, hooks: Pick<ReencryptOpts, "afterObject"> = {}): Task {
  return async (payload, helpers) => {
    const { rotationId } = JOBS["reencrypt-tenant"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "reencrypt-tenant", rotationId });
    if (!isEncrypted(deps.storage))
      throw new Error("STORAGE_ENCRYPTION is off in this worker: it cannot re-seal objects");
    const storage = deps.storage;
    const scratchDir = path.join(deps.config.dataDir, "scratch", `reencrypt-${helpers.job.id}`);
    try {
      const run = await withObjectSweepLock(deps.db, () =>
        reencryptTenant({ db: deps.db, storage, rotationId, scratchDir, ...hooks }),
      );
      if (!run.ran) throw new Error("a backup is running; the rotation continues on the next attempt");
      const r = run.result;
      if (r.status === "WAITING") {
        await helpers.addJob("reencrypt-tenant", { rotationId }, { runAt: r.retryAt });
        log.info({ retryAt: r.retryAt, uploadsWaiting: r.uploadsWaiting }, "rotation waits before retiring old keys");
      } else if (r.status === "DONE") {
        log.info({ retiredVersions: r.retiredVersions }, "objects re-sealed, old key versions retired");
      }
    } finally {
      await fsp.rm(scratchDir, { recursive: true, force: true });
    }
  };
}
