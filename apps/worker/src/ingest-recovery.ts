import type { WorkerUtils } from "graphile-worker";
import type { Db } from "@scrollintel/core/db/client";
import type { Logger } from "@scrollintel/core/logger";
import { findStaleIngests } from "@scrollintel/core/services/ingest-service";

/**
 * graphile-worker keeps a dead worker's jobs locked for 4 hours. Ingest jobs
 * prove their worker alive by writing progress every second; a locked ingest
 * job whose version has been quiet for `staleAfterMs` belongs to a worker
 * that died (killed, out of memory, machine lost), so its worker's locks are
 * released with forceUnlockWorkers and the job runs again from scratch.
 */
export async function recoverStaleIngests(opts: {
  db: Db;
  utils: WorkerUtils;
  staleAfterMs: number;
  log: Logger;
}): Promise<string[]> {
  const staleBefore = new Date(Date.now() - opts.staleAfterMs);
  const locked = await opts.db.$queryRaw<{ key: string | null; locked_by: string }[]>`
    SELECT key, locked_by FROM graphile_worker.jobs
     WHERE task_identifier = 'ingest' AND locked_by IS NOT NULL AND locked_at < ${staleBefore}`;
  const byVersion = new Map(
    locked.filter((j) => j.key?.startsWith("ingest:")).map((j) => [j.key!.slice("ingest:".length), j.locked_by]),
  );
  const stale = await findStaleIngests(opts.db, [...byVersion.keys()], staleBefore);
  const workers = [...new Set(stale.map((v) => byVersion.get(v)!))];
  if (workers.length) {
    await opts.utils.forceUnlockWorkers(workers);
    opts.log.warn({ workers, versions: stale }, "unlocked ingest jobs of workers that stopped reporting");
  }
  return workers;
}

/** Runs the recovery at start-up and then every quarter of the stale period. */
export function startIngestRecovery(opts: Parameters<typeof recoverStaleIngests>[0]): () => void {
  const run = () =>
    recoverStaleIngests(opts).catch((e: unknown) =>
      opts.log.error({ err: e instanceof Error ? e.message : String(e) }, "ingest recovery failed"),
    );
  void run();
  const timer = setInterval(run, Math.max(1000, Math.floor(opts.staleAfterMs / 4)));
  return () => clearInterval(timer);
}
