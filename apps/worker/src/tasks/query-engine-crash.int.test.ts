import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEAD_WORKER_QUERY_ERROR, settleOrphanedWork } from "@scrollintel/core/services/orphaned-work-service";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import type { EnginePool } from "../engine/engine-pool";
import { ENGINE_STOPPED } from "../engine/engine-protocol";
import { makeEnginePool, makeQueryTask } from "./query";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let engines: EnginePool;
let acme: TestUser;
let globex: TestUser;

/**
 * Enables DuckDB's file logger in a sandbox that may not write: DuckDB aborts the process when it flushes.
 * The allowlist refuses it (sql-allowlist-query.int.test.ts); these engines skip the allowlist so that a
 * real native abort proves the isolation that stands behind it.
 */
const CRASH = "SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp/si-crash-log')";
const CRASH_CONFIG = "SELECT * FROM enable_logging(storage = 'file', storage_config = {'path': '/tmp/si-crash-log'})";
/** Each test starts engine processes; a loaded CI machine takes seconds per start. */
vi.setConfig({ testTimeout: 120_000 });
const SLOW = "SELECT sum(a.range * b.range) AS s FROM range(300000) a, range(300000) b";

beforeAll(async () => {
  t = await createTestDb();
  const base = makeWorkerDeps(t.db);
  engines = makeEnginePool(base, 60_000, { unlisted: true });
  deps = { ...base, engines };
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "ANALYST");
  globex = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "ANALYST");
});
afterAll(async () => {
  await engines.close();
  deps.cleanup();
  await t.drop();
});

async function queue(u: TestUser, sql: string) {
  return (await createQueryRun(t.db, ctxOf(u), { sql, useCache: false })).id;
}

async function runQueued(id: string, attempts = 1) {
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts, max_attempts: 1 });
}

async function runQuery(u: TestUser, sql: string) {
  const id = await queue(u, sql);
  await runQueued(id);
  return getQueryRunById(t.db, ctxOf(u), id);
}

async function jobOf(id: string) {
  return t.db.job.findFirstOrThrow({ where: { targetId: id, kind: "query" } });
}

/** The pid of the engine running `id`, once the run is RUNNING there. */
async function runningEngine(u: TestUser, id: string): Promise<number> {
  let pid: number | undefined;
  while (!(pid = engines.pidOf(u.tenantId)) || (await jobOf(id)).status !== "RUNNING") {
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200)); // inside the statement
  return pid;
}

describe("a query that crashes the engine", () => {
  it("ends FAILED with a clear message, and the same and other tenants' next queries succeed", async () => {
    const warm = await runQuery(acme, "SELECT 1 AS one");
    expect(warm.status).toBe("SUCCEEDED");
    const before = engines.pidOf(acme.tenantId);
    const crashed = await runQuery(acme, CRASH);
    expect(crashed).toMatchObject({ status: "FAILED", error: ENGINE_STOPPED });
    expect((await jobOf(crashed.id)).status).toBe("FAILED");
    expect(engines.pidOf(acme.tenantId)).toBeUndefined();
    const same = await runQuery(acme, "SELECT 40 + 2 AS n");
    expect(same).toMatchObject({ status: "SUCCEEDED", previewRows: [{ n: 42 }] });
    expect(engines.pidOf(acme.tenantId)).not.toBe(before);
    expect(await runQuery(globex, "SELECT 7 AS n")).toMatchObject({ status: "SUCCEEDED", previewRows: [{ n: 7 }] });
  });

  it("poison: two crashing queries queued fail once each, and the worker keeps serving both tenants", async () => {
    const [a, b] = [await queue(acme, CRASH), await queue(acme, CRASH_CONFIG)];
    const other = await queue(globex, "SELECT 8 AS n");
    // The tenant's jobs one after the other (as in its one worker slot), another tenant's alongside.
    await Promise.all([runQueued(a).then(() => runQueued(b)), runQueued(other)]);
    for (const id of [a, b]) {
      expect(await getQueryRunById(t.db, ctxOf(acme), id)).toMatchObject({ status: "FAILED", error: ENGINE_STOPPED });
    }
    expect(await getQueryRunById(t.db, ctxOf(globex), other)).toMatchObject({ status: "SUCCEEDED" });
    expect(await runQuery(acme, "SELECT 9 AS n")).toMatchObject({ status: "SUCCEEDED", previewRows: [{ n: 9 }] });
  });
});

describe("an engine that dies mid-query", () => {
  it("killed (SIGKILL): the run ends FAILED with the message, and the next query works", async () => {
    const id = await queue(globex, SLOW);
    const task = runQueued(id);
    process.kill(await runningEngine(globex, id), "SIGKILL");
    await task;
    expect(await getQueryRunById(t.db, ctxOf(globex), id)).toMatchObject({ status: "FAILED", error: ENGINE_STOPPED });
    expect(await runQuery(globex, "SELECT 10 AS n")).toMatchObject({ status: "SUCCEEDED", previewRows: [{ n: 10 }] });
  });

  it("aborted (SIGABRT, as DuckDB's terminate does): another tenant's query at the same time succeeds", async () => {
    const id = await queue(acme, SLOW);
    const task = runQueued(id);
    const pid = await runningEngine(acme, id);
    const other = await queue(globex, "SELECT 14 AS n");
    const otherTask = runQueued(other);
    process.kill(pid, "SIGABRT");
    await Promise.all([task, otherTask]);
    expect(await getQueryRunById(t.db, ctxOf(acme), id)).toMatchObject({ status: "FAILED", error: ENGINE_STOPPED });
    expect(await getQueryRunById(t.db, ctxOf(globex), other)).toMatchObject({ status: "SUCCEEDED" });
    expect(await runQuery(acme, "SELECT 15 AS n")).toMatchObject({ status: "SUCCEEDED", previewRows: [{ n: 15 }] });
  });
});

describe("a query job started again after its worker died", () => {
  it("runs its RUNNING run again on the second start", async () => {
    const id = await queue(acme, "SELECT 11 AS n");
    await t.db.queryRun.update({ where: { id }, data: { status: "RUNNING" } });
    await runQueued(id, 2);
    expect(await getQueryRunById(t.db, ctxOf(acme), id)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("is failed for good on the third start, without running", async () => {
    const id = await queue(acme, "SELECT 12 AS n");
    await t.db.queryRun.update({ where: { id }, data: { status: "RUNNING" } });
    await runQueued(id, 3);
    expect(await getQueryRunById(t.db, ctxOf(acme), id)).toMatchObject({ status: "FAILED", error: ENGINE_STOPPED });
    expect((await jobOf(id)).status).toBe("FAILED");
  });

  it("leaves a finished run alone", async () => {
    const r = await runQuery(acme, "SELECT 13 AS n");
    await runQueued(r.id, 3);
    expect(await getQueryRunById(t.db, ctxOf(acme), r.id)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("ends a run its dead worker left RUNNING once its job will not run again, and spares live ones", async () => {
    const [dead, live, queued] = [
      await queue(acme, "SELECT 16"),
      await queue(acme, "SELECT 17"),
      await queue(acme, "SELECT 18"),
    ];
    for (const id of [dead, live]) await t.db.queryRun.update({ where: { id }, data: { status: "RUNNING" } });
    // What graphile-worker leaves: the dead worker's job unlocked with its one attempt used; a live worker's locked.
    await t.db
      .$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 1 WHERE payload->>'queryRunId' = ${dead}`;
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 1, locked_at = now(), locked_by = 'alive'
                            WHERE payload->>'queryRunId' = ${live}`;
    // The heartbeat loop's sweep (liveness/start-liveness.ts) settles it.
    expect(await settleOrphanedWork(t.db)).toEqual({ queryRuns: [dead], ingests: [] });
    expect(await getQueryRunById(t.db, ctxOf(acme), dead)).toMatchObject({
      status: "FAILED",
      error: DEAD_WORKER_QUERY_ERROR,
    });
    expect((await jobOf(dead)).status).toBe("FAILED");
    expect((await getQueryRunById(t.db, ctxOf(acme), live)).status).toBe("RUNNING");
    expect((await getQueryRunById(t.db, ctxOf(acme), queued)).status).toBe("QUEUED");
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL
                            WHERE payload->>'queryRunId' = ${live}`;
  });
});
