import os from "node:os";
import type { Db } from "@scrollintel/core/db/client";
import { datasetVersionPrefix } from "@scrollintel/core/keys";
import type { Logger } from "@scrollintel/core/logger";
import { settleOrphanedWork } from "@scrollintel/core/services/orphaned-work-service";
import {
  beatWorkers,
  findDeadWorkers,
  forgetOldHeartbeats,
  releaseDeadWorkers,
} from "@scrollintel/core/services/worker-liveness-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

/** How often each worker writes its heartbeat and looks for dead ones. */
export const BEAT_MS = 1500;
/**
 * A worker silent this long (five missed beats) is dead and its jobs are
 * released. With the beat above, a killed worker's jobs are taken over 7.5–10 s
 * after it died, leaving room under the 15 s promise on a loaded machine.
 */
export const DEAD_AFTER_MS = 7500;
const FORGET_AFTER_MS = 60 * 60_000;

export interface LivenessOpts {
  /** A connection that fails fast (no waiting out outages): a beat must not queue up. */
  db: Db;
  storage: StorageDriver;
  log: Logger;
  /** The graphile-worker pool ids of this process that are alive right now. */
  ids: () => string[];
  beatMs?: number;
  deadAfterMs?: number;
}

/**
 * The heartbeat and the takeover of dead workers' jobs. Takeover waits until
 * this worker has itself reached the database for a whole dead-after period:
 * after an outage every worker is silent for a while, and none is dead for it.
 */
export function startLiveness(opts: LivenessOpts): { stop(): Promise<void> } {
  const beatMs = opts.beatMs ?? BEAT_MS;
  const deadAfterMs = opts.deadAfterMs ?? DEAD_AFTER_MS;
  const host = os.hostname();
  let upSince: number | null = null;
  let lastForget = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const ids = opts.ids();
    try {
      await beatWorkers(opts.db, { ids, host, pid: process.pid });
      upSince ??= Date.now();
    } catch (e) {
      if (upSince !== null) opts.log.warn({ err: messageOf(e) }, "heartbeat failed: database unreachable");
      upSince = null;
      return;
    }
    if (Date.now() - upSince < deadAfterMs) return;
    const dead = (await findDeadWorkers(opts.db, deadAfterMs)).filter((id) => !ids.includes(id));
    if (dead.length) {
      const jobs = await releaseDeadWorkers(opts.db, dead);
      opts.log.warn({ workers: dead, jobs }, "released the jobs of workers that stopped beating");
    }
    await settleOrphans(opts);
    if (Date.now() - lastForget > FORGET_AFTER_MS / 4) {
      lastForget = Date.now();
      await forgetOldHeartbeats(opts.db, FORGET_AFTER_MS);
    }
  };
  const loop = () => {
    running = tick()
      .catch((e: unknown) => opts.log.warn({ err: messageOf(e) }, "liveness check failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, beatMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Rows left QUEUED/RUNNING by jobs that will not run again fail; an ingest's objects go with it. */
async function settleOrphans(opts: LivenessOpts): Promise<void> {
  const settled = await settleOrphanedWork(opts.db);
  if (settled.queryRuns.length || settled.ingests.length)
    opts.log.warn(
      { queryRuns: settled.queryRuns, ingests: settled.ingests.map((v) => v.id) },
      "failed work whose worker stopped on its last attempt",
    );
  for (const v of settled.ingests) {
    await opts.storage
      .deletePrefix(datasetVersionPrefix(v.tenantId, v.datasetId, v.version))
      .catch((e: unknown) => opts.log.warn({ err: messageOf(e), versionId: v.id }, "could not remove ingest objects"));
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
