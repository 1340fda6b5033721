// A worker killed with SIGKILL while another one runs: the survivor takes the
// dead worker's jobs over within 15 s (heartbeat, not a stale timeout) and
// runs them to the same result; a query cut off with its worker fails with a
// message saying so instead of staying RUNNING.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { DEAD_WORKER_QUERY_ERROR } from "@scrollintel/core/services/orphaned-work-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, spawnWorker, waitFor, writeCsv, type WorkerProcess } from "../../../../test/worker-harness";

const ROWS = 2_000_000;
const TAKEOVER_LIMIT_MS = 15_000;

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let sourceFile: string;
const workers: WorkerProcess[] = [];

async function startWorker(): Promise<WorkerProcess> {
  const w = await spawnWorker({ databaseUrl: t.url, dataDir: deps.config.dataDir });
  workers.push(w);
  await waitFor("a worker to be healthy", 60_000, async () => (await w.health()) === 200);
  return w;
}

/** The pool holding the job of `target` (an ingest version or a query run), or null. */
async function lockHolder(target: string): Promise<string | null> {
  const [j] = await t.db.$queryRaw<{ locked_by: string | null }[]>`
    SELECT locked_by FROM graphile_worker._private_jobs
     WHERE payload->>'datasetVersionId' = ${target} OR payload->>'queryRunId' = ${target}`;
  return j?.locked_by ?? null;
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  sourceFile = path.join(deps.config.dataDir, "takeover.csv");
  await writeCsv(sourceFile, ROWS);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  deps.cleanup();
  await t.drop();
}, 60_000);

describe("a worker killed while another runs", () => {
  it("mid-ingest: the survivor takes the job over within 15 s and the dataset is READY, exact", async () => {
    const pair = await Promise.all([startWorker(), startWorker()]);
    const size = BigInt(fs.statSync(sourceFile).size);
    const up = await createUpload(t.db, ctxOf(user), { filename: "takeover.csv", sizeBytes: size });
    await deps.storage.put(up.storageKey, fs.createReadStream(sourceFile));
    const { datasetId } = await finishUpload(t.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: size });
    const readVersion = () =>
      t.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, include: { dataset: true } });
    const versionId = (await readVersion()).id;
    // Any point of the ingest will do, as long as a worker holds it (a loaded machine
    // may pass the converting phase between two looks).
    const dead = await waitFor("the ingest under way", 120_000, async () => {
      const v = await readVersion();
      if (v.status === "READY") throw new Error("the ingest finished before it could be killed");
      return v.status === "INGESTING" ? lockHolder(versionId) : null;
    });
    const [victim] = await whichRuns(pair, dead);
    await victim.kill();
    const killedAt = Date.now();
    const taker = await waitFor("the survivor to take the job", 30_000, async () => {
      const holder = await lockHolder(versionId);
      return holder && holder !== dead ? holder : null;
    });
    const pickupMs = Date.now() - killedAt;
    expect(taker).not.toBe(dead);
    expect(pickupMs).toBeLessThan(TAKEOVER_LIMIT_MS);

    const v = await waitFor("the ingest to settle", 120_000, async () => {
      const r = await readVersion();
      return r.status === "READY" || r.status === "FAILED" ? r : null;
    });
    expect(v.error).toBeNull();
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(BigInt(ROWS));
    expect(v.dataset.readyVersion).toBe(1);
    expect(await t.db.datasetVersion.count({ where: { datasetId } })).toBe(1);
    const stored: string[] = [];
    for await (const o of deps.storage.list(`tenants/${user.tenantId}/datasets/${datasetId}/`)) stored.push(o.key);
    expect(stored).toEqual(v.files);
    expect(await t.db.workerHeartbeat.count({ where: { workerId: dead } })).toBe(0);
  }, 240_000);

  it("mid-query: the run fails with a clear message instead of staying RUNNING", async () => {
    await startWorker();
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const sql = `SELECT a.k, count(*) AS n FROM (SELECT id % 1000 AS k FROM takeover) a
      JOIN (SELECT id % 1000 AS k FROM takeover LIMIT 200000) b USING (k) GROUP BY 1`;
    const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: false });
    const read = () => t.db.queryRun.findUniqueOrThrow({ where: { id } });
    const holder = await waitFor("a worker to run the query", 60_000, async () =>
      (await read()).status === "RUNNING" ? lockHolder(id) : null,
    );
    const [killed, other] = await whichRuns(alive, holder);
    await killed.kill();
    const run = await waitFor("the run to settle", 30_000, async () => {
      const r = await read();
      return r.status === "RUNNING" ? null : r;
    });
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(DEAD_WORKER_QUERY_ERROR);
    expect(other.child.exitCode).toBeNull();
  }, 240_000);
});

/** [the worker whose graphile pool is `pool`, the other one], told apart by their heartbeat rows' pids. */
async function whichRuns(pair: WorkerProcess[], pool: string): Promise<[WorkerProcess, WorkerProcess]> {
  const row = await waitFor("the pool's heartbeat", 10_000, () =>
    t.db.workerHeartbeat.findUnique({ where: { workerId: pool } }),
  );
  const holder = pair.find((w) => w.child.pid === row.pid)!;
  return [holder, pair.find((w) => w !== holder)!];
}
