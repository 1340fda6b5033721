import type { Db } from "../db/client";

/**
 * Worker liveness in PostgreSQL. graphile-worker locks a job with the id of
 * the worker pool that took it (`locked_by`) and keeps it locked for 4 hours
 * if that process dies. Each live pool writes its WorkerHeartbeat row every
 * few seconds; a pool that holds locks and has been silent for longer than
 * the dead-after period has died, and any worker releases its locks so the
 * jobs run again. All times are the database's clock, never a worker's.
 */

/**
 * Writes (or refreshes) the heartbeat rows of these pool ids, all of one
 * process. With no ids it still reaches the database: the caller learns
 * whether it can.
 */
export async function beatWorkers(db: Db, opts: { ids: string[]; host: string; pid: number }): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "WorkerHeartbeat" ("workerId", host, pid, "startedAt", "seenAt")
    SELECT id, ${opts.host}, ${opts.pid}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM unnest(${opts.ids}::text[]) AS id
    ON CONFLICT ("workerId") DO UPDATE SET "seenAt" = now() AT TIME ZONE 'UTC', host = EXCLUDED.host, pid = EXCLUDED.pid`;
}

/**
 * Ids of workers holding job locks that have been silent for `silentMs`: no
 * heartbeat row seen since then, and locks at least that old (so a pool that
 * has just started, and not yet written its first beat, is never taken for dead).
 */
export async function findDeadWorkers(db: Db, silentMs: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ locked_by: string }[]>`
    SELECT DISTINCT j.locked_by
      FROM graphile_worker.jobs j
     WHERE j.locked_by IS NOT NULL
       AND j.locked_at < now() - ${silentMs} * interval '1 millisecond'
       AND NOT EXISTS (
         SELECT 1 FROM "WorkerHeartbeat" h
          WHERE h."workerId" = j.locked_by
            AND h."seenAt" > (now() AT TIME ZONE 'UTC') - ${silentMs} * interval '1 millisecond')`;
  return rows.map((r) => r.locked_by);
}

/**
 * Releases every lock of these dead workers (graphile-worker's own
 * force_unlock_workers, what WorkerUtils.forceUnlockWorkers calls), forgets
 * their heartbeats, and wakes idle workers so the jobs are taken at once
 * rather than at the next poll. Returns how many jobs were released.
 */
export async function releaseDeadWorkers(db: Db, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE locked_by = ANY(${ids}::text[])`;
    const n = Number(row?.n ?? 0);
    await tx.$queryRaw`SELECT graphile_worker.force_unlock_workers(${ids}::text[])::text AS done`;
    await tx.$executeRaw`DELETE FROM "WorkerHeartbeat" WHERE "workerId" = ANY(${ids}::text[])`;
    // The channel graphile-worker's add_job notifies; a worker that misses it polls anyway.
    await tx.$queryRaw`SELECT pg_notify('jobs:insert', json_build_object('count', ${n}::int)::text)::text AS ok`;
    return n;
  });
}

/** Heartbeat rows of pools that stopped long ago without holding locks: housekeeping. */
export async function forgetOldHeartbeats(db: Db, olderThanMs: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "WorkerHeartbeat"
     WHERE "seenAt" < (now() AT TIME ZONE 'UTC') - ${olderThanMs} * interval '1 millisecond'`;
}

/**
 * False once a job's lock is no longer the one this worker took it with: the
 * worker was taken for dead (stalled past the dead-after period) and another
 * one may be running the job now, so this one must not write its results.
 * A job run outside graphile-worker (tests) has no lock and always holds.
 */
export async function holdsJob(db: Db, job: { id: string; locked_by?: string | null }): Promise<boolean> {
  if (!job.locked_by) return true;
  const rows = await db.$queryRaw<{ locked_by: string | null }[]>`
    SELECT locked_by FROM graphile_worker.jobs WHERE id = ${job.id}::bigint`;
  return rows[0]?.locked_by === job.locked_by;
}
