// PostgreSQL dies under a running worker (kill -9 of the postmaster) and comes
// back on the same directory and port: the same worker process, never
// restarted, reports degraded health meanwhile and finishes the work in flight.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startFaultPostgres, type FaultPostgres } from "../../../../test/fault-postgres";
import { spawnWorker, waitFor, writeCsv, type WorkerProcess } from "../../../../test/worker-harness";

const ROWS = 2_000_000;
/** About 5 s of DuckDB work on 2 threads over the ingested dataset; 1000 result rows. */
const SLOW_SQL = `SELECT a.k, count(*) AS n
  FROM (SELECT id % 1000 AS k FROM outage) a
  JOIN (SELECT id % 1000 AS k FROM outage LIMIT 50000) b USING (k) GROUP BY 1`;

let fpg: FaultPostgres | undefined;
let db: Db;
let dataDir: string;
let storage: LocalStorage;
let worker: WorkerProcess | undefined;
let user: TestUser;
let sourceFile: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-outage-"));
  storage = new LocalStorage(path.join(dataDir, "storage"));
  sourceFile = path.join(dataDir, "source.csv");
  const [pgServer] = await Promise.all([startFaultPostgres(), writeCsv(sourceFile, ROWS)]);
  fpg = pgServer;
  db = createDb(fpg.url, { max: 3 });
  user = await createMember(db, await createTenant(db), "ANALYST");
  worker = await spawnWorker({ databaseUrl: fpg.url, dataDir });
  await waitFor("the worker to be healthy", 60_000, async () => (await worker!.health()) === 200);
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await db?.$disconnect().catch(() => undefined);
  await fpg?.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** kill -9 of the postmaster, health must turn 503, then the server starts again and health 200. */
async function outage(w: WorkerProcess = worker!, downMs = 2000): Promise<void> {
  const pid = w.child.pid;
  await fpg!.kill();
  await waitFor("health to report the outage", 30_000, async () => (await w.health()) === 503);
  await new Promise((r) => setTimeout(r, downMs));
  await fpg!.restart();
  await waitFor("health to recover", 60_000, async () => (await w.health()) === 200);
  expect(w.child.exitCode).toBeNull();
  expect(w.child.pid).toBe(pid);
}

/** Uploads the source file as a new dataset; returns a reader of its (only) version. */
async function uploadSource(filename: string) {
  const size = BigInt(fs.statSync(sourceFile).size);
  const up = await createUpload(db, ctxOf(user), { filename, sizeBytes: size });
  await storage.put(up.storageKey, fs.createReadStream(sourceFile));
  const { datasetId } = await finishUpload(db, ctxOf(user), { uploadId: up.uploadId, storedBytes: size });
  const readVersion = () => db.datasetVersion.findFirstOrThrow({ where: { datasetId }, include: { dataset: true } });
  // Any point of the ingest will do (a loaded machine may pass the converting phase between two looks).
  await waitFor("the ingest under way", 120_000, async () => {
    const v = await readVersion();
    if (v.status === "READY") throw new Error("the ingest finished before the outage");
    return v.status === "INGESTING";
  });
  return { datasetId, readVersion };
}

/** READY with every row, one version, exactly its parts in storage, and its job gone. */
async function expectWhole(
  datasetId: string,
  readVersion: () => ReturnType<typeof db.datasetVersion.findFirstOrThrow>,
) {
  const v = await settled("the ingest to settle", 120_000, readVersion, ["QUEUED", "INGESTING"]);
  expect(v.error).toBeNull();
  expect(v.status).toBe("READY");
  expect(v.rowCount).toBe(BigInt(ROWS));
  expect(await db.datasetVersion.count({ where: { datasetId } })).toBe(1);
  expect((await db.dataset.findUniqueOrThrow({ where: { id: datasetId } })).readyVersion).toBe(1);
  const stored: string[] = [];
  for await (const o of storage.list(`tenants/${user.tenantId}/datasets/${datasetId}/`)) stored.push(o.key);
  expect(stored).toEqual(v.files);
  // The job itself is completed just after the version turns READY.
  await waitFor("the ingest job to complete", 30_000, async () => {
    const jobs = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`ingest:${v.id}`}`;
    return jobs[0]!.n === 0n;
  });
}

async function settled<T extends { status: string }>(what: string, ms: number, read: () => Promise<T>, live: string[]) {
  return waitFor(what, ms, async () => {
    const r = await read();
    return live.includes(r.status) ? null : r;
  });
}

describe("a PostgreSQL restart under a running worker", () => {
  it("mid-ingest: the same worker finishes the dataset READY, exact and whole", async () => {
    const { datasetId, readVersion } = await uploadSource("outage.csv");
    await outage();
    await expectWhole(datasetId, readVersion);
  }, 240_000);

  it("mid-query: the run ends SUCCEEDED with its full result, and the next query runs", async () => {
    const { id } = await createQueryRun(db, ctxOf(user), { sql: SLOW_SQL, useCache: false });
    const read = () => db.queryRun.findUniqueOrThrow({ where: { id } });
    await waitFor("the query to start", 60_000, async () => (await read()).status === "RUNNING");

    await outage();

    const run = await settled("the query to settle", 120_000, read, ["QUEUED", "RUNNING"]);
    expect(run.error).toBeNull();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.rowCount).toBe(1000n);
    const next = await createQueryRun(db, ctxOf(user), { sql: "SELECT count(*) AS n FROM outage", useCache: false });
    const after = await settled(
      "a query after the outage",
      60_000,
      () => db.queryRun.findUniqueOrThrow({ where: { id: next.id } }),
      ["QUEUED", "RUNNING"],
    );
    expect(after.status).toBe("SUCCEEDED");
    expect(after.previewRows).toEqual([{ n: String(ROWS) }]);
  }, 240_000);

  it("an outage longer than a job may wait: the runner is replaced, the ingest runs again READY", async () => {
    await worker!.kill();
    // Database calls give up after 1 s, so the outage outlasts the job's attempt.
    worker = await spawnWorker({ databaseUrl: fpg!.url, dataDir, env: { WORKER_DB_WAIT_MS: "1000" } });
    await waitFor("the worker to be healthy", 60_000, async () => (await worker!.health()) === 200);
    const { datasetId, readVersion } = await uploadSource("outage_long.csv");
    await outage(worker, 8000);
    await expectWhole(datasetId, readVersion);
    expect(worker.child.exitCode).toBeNull();
  }, 300_000);
});
