// Heartbeats, dead-worker detection and the settling of work whose jobs will
// not run again, against real graphile-worker tables.
import { describe, expect, it } from "vitest";
import { ctxOf } from "../../../../test/factories";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { systemTx } from "../db/scoped";
import { uploadFile } from "../../../../test/worker-harness";
import { DEAD_WORKER_INGEST_ERROR, DEAD_WORKER_QUERY_ERROR, settleOrphanedWork } from "./orphaned-work-service";
import { createQueryRun } from "./query-service";
import { beatWorkers, findDeadWorkers, holdsJob, releaseDeadWorkers } from "./worker-liveness-service";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let user: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user } = s));

/** The graphile job of a query run or an ingest version. */
async function jobOf(target: string) {
  const [j] = await t.db.$queryRaw<{ id: bigint; locked_by: string | null; attempts: number; max_attempts: number }[]>`
    SELECT id, locked_by, attempts, max_attempts FROM graphile_worker._private_jobs
     WHERE payload->>'queryRunId' = ${target} OR payload->>'datasetVersionId' = ${target}`;
  return j ?? null;
}

/** As graphile-worker does when a pool takes a job, `agoMs` in the past. */
async function lock(target: string, by: string, agoMs: number, attempts = 1) {
  await t.db.$executeRaw`
    UPDATE graphile_worker._private_jobs
       SET locked_by = ${by}, locked_at = now() - ${agoMs} * interval '1 millisecond', attempts = ${attempts}
     WHERE payload->>'queryRunId' = ${target} OR payload->>'datasetVersionId' = ${target}`;
}

async function queryRun(sql: string, status: "QUEUED" | "RUNNING") {
  const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: false });
  await systemTx(t.db, (tx) => tx.queryRun.update({ where: { id }, data: { status } }));
  return id;
}

describe("worker liveness", () => {
  it("finds only workers with old locks and no recent beat, and releases their jobs", async () => {
    const dead = await queryRun("SELECT 1", "RUNNING");
    const alive = await queryRun("SELECT 2", "RUNNING");
    const fresh = await queryRun("SELECT 3", "RUNNING");
    await lock(dead, "pool-dead", 20_000);
    await lock(alive, "pool-alive", 20_000);
    await lock(fresh, "pool-fresh", 100); // just taken, first beat not written yet
    await beatWorkers(t.db, { ids: ["pool-alive"], host: "h", pid: 1 });
    // A dead pool's stale row, older than the dead-after period.
    await t.db.$executeRaw`INSERT INTO "WorkerHeartbeat" ("workerId", host, pid, "seenAt")
      VALUES ('pool-dead', 'h', 2, (now() AT TIME ZONE 'UTC') - interval '30 seconds')`;

    expect(await findDeadWorkers(t.db, 10_000)).toEqual(["pool-dead"]);
    expect(await releaseDeadWorkers(t.db, ["pool-dead"])).toBe(1);
    expect((await jobOf(dead))?.locked_by).toBeNull();
    expect((await jobOf(alive))?.locked_by).toBe("pool-alive");
    expect((await jobOf(fresh))?.locked_by).toBe("pool-fresh");
    expect(await t.db.workerHeartbeat.count({ where: { workerId: "pool-dead" } })).toBe(0);
    expect(await findDeadWorkers(t.db, 10_000)).toEqual([]);
    // The dead worker, should it wake up, sees the job is no longer its own.
    expect(await holdsJob(t.db, { id: String((await jobOf(dead))!.id), locked_by: "pool-dead" })).toBe(false);
    expect(await holdsJob(t.db, { id: String((await jobOf(alive))!.id), locked_by: "pool-alive" })).toBe(true);
  });

  it("a beat keeps a worker alive, however old its locks", async () => {
    const id = await queryRun("SELECT 4", "RUNNING");
    await lock(id, "pool-long", 3_600_000);
    await beatWorkers(t.db, { ids: ["pool-long"], host: "h", pid: 3 });
    expect(await findDeadWorkers(t.db, 10_000)).not.toContain("pool-long");
    await beatWorkers(t.db, { ids: ["pool-long"], host: "h", pid: 3 }); // a second beat updates, not duplicates
    expect(await t.db.workerHeartbeat.count({ where: { workerId: "pool-long" } })).toBe(1);
  });
});

describe("work whose jobs will not run again", () => {
  it("fails a query run and an ingest left by a dead worker, once, and leaves live work alone", async () => {
    const orphanRun = await queryRun("SELECT 5", "RUNNING");
    const queuedOrphan = await queryRun("SELECT 6", "QUEUED");
    const liveRun = await queryRun("SELECT 7", "RUNNING");
    const up = await uploadFile(deps, ctxOf(user), "a.csv", "x\n1\n");
    await systemTx(t.db, (tx) =>
      tx.datasetVersion.update({ where: { id: up.versionId }, data: { status: "INGESTING" } }),
    );
    // Unlocked with every attempt used: graphile-worker will never run these again.
    await lock(orphanRun, "pool-gone", 0, 1);
    await lock(queuedOrphan, "pool-gone", 0, 1);
    await lock(up.versionId, "pool-gone", 0, 3);
    await releaseDeadWorkers(t.db, ["pool-gone"]);
    await lock(liveRun, "pool-alive", 0, 1); // running right now on its only attempt

    const settled = await settleOrphanedWork(t.db);
    // (The first test's released query job has used its only attempt too.)
    expect(settled.queryRuns).toEqual(expect.arrayContaining([orphanRun, queuedOrphan]));
    expect(settled.queryRuns).not.toContain(liveRun);
    expect(settled.ingests.map((v) => v.id)).toEqual([up.versionId]);
    const runs = await t.db.queryRun.findMany({ where: { id: { in: [orphanRun, queuedOrphan, liveRun] } } });
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(orphanRun)).toMatchObject({ status: "FAILED", error: DEAD_WORKER_QUERY_ERROR });
    expect(byId.get(queuedOrphan)).toMatchObject({ status: "FAILED", error: DEAD_WORKER_QUERY_ERROR });
    expect(byId.get(liveRun)?.status).toBe("RUNNING");
    expect((await t.db.job.findFirstOrThrow({ where: { targetId: orphanRun } })).status).toBe("FAILED");
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId }, include: { dataset: true } });
    expect(v).toMatchObject({ status: "FAILED", error: DEAD_WORKER_INGEST_ERROR });
    expect(v.dataset.status).toBe("FAILED");
    expect(await jobOf(orphanRun)).toBeNull();
    expect(await jobOf(up.versionId)).toBeNull();
    expect(await settleOrphanedWork(t.db)).toEqual({ queryRuns: [], ingests: [] });
  });
});
