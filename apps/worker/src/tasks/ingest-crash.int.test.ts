// Crash safety with the real worker process: SIGKILL it in the middle of an
// ingest, check nothing of the version is visible, start it again and check
// the job runs again to the same result as a clean run.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

const root = path.resolve(import.meta.dirname, "../../../..");
const ROWS = 4_000_000;

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let sourceFile: string;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const p = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      DATA_DIR: deps.config.dataDir,
      WORKER_HEALTH_PORT: "0",
      WORKER_CONCURRENCY: "1",
      DUCKDB_MEMORY_LIMIT: "512MB",
      DUCKDB_THREADS: "2",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  workers.push(p);
  return p;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function upload(name: string) {
  const size = BigInt(fs.statSync(sourceFile).size);
  const up = await createUpload(t.db, ctxOf(user), { filename: name, sizeBytes: size });
  await deps.storage.put(up.storageKey, fs.createReadStream(sourceFile));
  const { datasetId } = await finishUpload(t.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: size });
  return t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
}

/** Row count and an order-independent fingerprint of every value in a version's parts. */
async function fingerprint(files: string[]) {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  const list = files.map((k) => `'${deps.storage.localPath(k)}'`).join(", ");
  const r = await conn.runAndReadAll(
    `SELECT count(*)::VARCHAR AS n, bit_xor(hash(id, name, x, day))::VARCHAR AS h FROM read_parquet([${list}])`,
  );
  conn.closeSync();
  inst.closeSync();
  return r.getRowObjectsJson()[0];
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  sourceFile = path.join(deps.config.dataDir, "crash-source.csv");
  async function* lines() {
    yield "id,name,x,day\n";
    for (let i = 0; i < ROWS; i += 10_000) {
      let chunk = "";
      for (let j = i; j < i + 10_000; j++) chunk += `${j},name_${j % 977},${j / 7},2024-01-${(j % 28) + 1}\n`;
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), fs.createWriteStream(sourceFile));
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  deps.cleanup();
  await t.drop();
});

describe("a worker killed mid-ingest", () => {
  it("leaves no half-written version, and the job runs again to the same result", async () => {
    const clean = await upload("clean.csv");
    await runTask(makeIngestTask(deps), { datasetVersionId: clean.id });
    const cleanV = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: clean.id } });
    expect(cleanV.status).toBe("READY");

    const v = await upload("crashy.csv");
    const first = startWorker();
    await until("conversion under way", 60_000, async () => {
      const p = (await t.db.datasetVersion.findUniqueOrThrow({ where: { id: v.id } })).progress as { phase?: string };
      // Any point of the conversion: a 4M-row file converts in a few seconds, between two progress reports.
      return p.phase === "converting";
    });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    const dead = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: v.id }, include: { dataset: true } });
    expect(dead.status).toBe("INGESTING");
    expect(dead.files).toEqual([]);
    expect(dead.dataset.readyVersion).toBeNull();
    const locked = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`ingest:${v.id}`} AND locked_by IS NOT NULL`;
    expect(locked[0]!.n).toBe(1n);

    startWorker();
    const done = await until("the re-run to finish", 120_000, async () => {
      const r = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: v.id }, include: { dataset: true } });
      return r.status === "READY" || r.status === "FAILED" ? r : null;
    });
    expect(done.status).toBe("READY");
    expect(done.dataset.readyVersion).toBe(1);
    expect(done.rowCount).toBe(BigInt(ROWS));
    expect(done.columns).toEqual(cleanV.columns);
    const id = (done.profile as unknown as ColumnProfile[]).find((c) => c.name === "id")!;
    expect(id).toMatchObject({ nulls: 0, min: "0", max: String(ROWS - 1) });
    // Profiles are deterministic: the re-run after a crash profiles exactly as the clean run did.
    expect(done.profile).toEqual(cleanV.profile);
    expect(await fingerprint(done.files as string[])).toEqual(await fingerprint(cleanV.files as string[]));
    const stored = [];
    for await (const o of deps.storage.list(`tenants/${user.tenantId}/datasets/${done.datasetId}/`)) stored.push(o.key);
    expect(stored).toEqual(done.files);
    expect(await t.db.auditEvent.count({ where: { target: done.datasetId, action: "dataset.ready" } })).toBe(1);
    const jobs = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`ingest:${v.id}`}`;
    expect(jobs[0]!.n).toBe(0n);
  }, 240_000);
});
