// Scale-out shown, not claimed: two built web processes and two workers on
// one PostgreSQL and one S3 server. An upload's chunks alternate between the
// webs; ingests spread over both workers (each worker's own metrics say how
// many it ran); and with one web and one worker SIGKILLed mid-load, every
// upload still finishes (clients retry a failed chunk on the other web, as a
// load balancer would send them) and every dataset becomes READY.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePrometheus, sumOf } from "@scrollintel/core/metrics/parse-prometheus";
import { signInCookie } from "../../../test/e2e-session";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import { startTestS3, type TestS3 } from "../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { startWebServer, type WebServer } from "../../../test/web-server";
import { spawnWorker, waitFor, type WorkerProcess } from "../../../test/worker-harness";

const root = path.resolve(import.meta.dirname, "../../..");
const logFile = path.join(root, "test-results-e2e-servers.log");
const TOKEN = "scale-out-metrics-token-0123456789";
const KiB = 1024;
let t: TestDb;
let s3: TestS3;
let tmp: string;
let user: TestUser;
let cookie = "";
const webs: WebServer[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-scale-"));
  const tenant = await createTenant(t.db);
  // Four slots: the tenant's jobs may run on both workers at once.
  await t.db.tenantQuota.update({ where: { tenantId: tenant.id }, data: { workerSlots: 4, concurrentJobsLimit: 8 } });
  user = await createMember(t.db, tenant, "ANALYST");
  const env = (name: string) => ({
    DATABASE_URL: t.url,
    DATA_DIR: path.join(tmp, name),
    METRICS_TOKEN: TOKEN,
    ...s3.env,
  });
  webs.push(await startWebServer(env("web-a"), logFile), await startWebServer(env("web-b"), logFile));
  for (const name of ["worker-1", "worker-2"]) {
    const w = await spawnWorker({
      databaseUrl: t.url,
      dataDir: path.join(tmp, name),
      env: { ...env(name), WORKER_CONCURRENCY: "2" },
    });
    workers.push(w);
  }
  await waitFor("both workers healthy", 60_000, async () =>
    (await Promise.all(workers.map((w) => w.health()))).every((s) => s === 200),
  );
  cookie = await signInCookie(webs[0]!.baseUrl, user.email, PASSWORD);
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  for (const s of webs) await s.kill();
  await s3?.stop();
  await t?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const tusHeaders = (extra: Record<string, string> = {}) => ({ cookie, "Tus-Resumable": "1.0.0", ...extra });

/** A CSV of about `bytes` bytes, unique per name. */
function csv(name: string, bytes: number): Buffer {
  let s = "id,name,amount\n";
  for (let i = 0; s.length < bytes; i++) s += `${i},${name}_${i % 97},${(i * 7) % 1000}\n`;
  return Buffer.from(s);
}

/**
 * One upload in `chunks` PATCHes, the i-th sent to web i mod 2 (`live` says
 * which webs may be tried). A chunk that fails (connection refused or reset,
 * 5xx) is retried on the next web from the offset HEAD reports: a client's
 * retry, never an error it must show.
 */
async function uploadAlternating(name: string, body: Buffer, chunks: number, live: () => WebServer[]) {
  const create = await fetch(`${live()[0]!.baseUrl}/api/uploads`, {
    method: "POST",
    headers: tusHeaders({
      "Upload-Length": String(body.length),
      "Upload-Metadata": `filename ${Buffer.from(`${name}.csv`).toString("base64")}`,
    }),
  });
  expect(create.status).toBe(201);
  const uploadPath = new URL(create.headers.get("location")!, live()[0]!.baseUrl).pathname;
  const size = Math.ceil(body.length / chunks);
  const served: string[] = [];
  let offset = 0;
  let retries = 0;
  for (let i = 0; offset < body.length; i++) {
    const candidates = live();
    const web = candidates[i % candidates.length]!;
    try {
      const res = await fetch(`${web.baseUrl}${uploadPath}`, {
        method: "PATCH",
        headers: tusHeaders({ "Upload-Offset": String(offset), "content-type": "application/offset+octet-stream" }),
        body: new Uint8Array(body.subarray(offset, Math.min(body.length, offset + size))),
      });
      if (res.status !== 204) throw new Error(`PATCH ${res.status}: ${await res.text()}`);
      offset = Number(res.headers.get("upload-offset"));
      served.push(web.baseUrl);
    } catch {
      if (++retries > 10) throw new Error(`upload ${name} kept failing`);
      await new Promise((r) => setTimeout(r, 200));
      const other = live().find((w) => w !== web) ?? web;
      const head = await fetch(`${other.baseUrl}${uploadPath}`, { method: "HEAD", headers: tusHeaders() });
      offset = Number(head.headers.get("upload-offset"));
    }
  }
  return { uploadId: uploadPath.split("/").pop()!, served, retries };
}

async function datasetStatusOf(uploadId: string): Promise<string | null> {
  const up = await t.db.upload.findUnique({ where: { id: uploadId } });
  if (!up?.datasetId) return null;
  return (await t.db.dataset.findUnique({ where: { id: up.datasetId } }))?.status ?? null;
}

async function metricsOf(w: WorkerProcess) {
  const res = await fetch(`http://127.0.0.1:${w.healthPort}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return parsePrometheus(await res.text());
}

async function ingestsRanBy(w: WorkerProcess): Promise<number> {
  return sumOf(await metricsOf(w), "scrollintel_job_duration_seconds_count", { task: "ingest", outcome: "success" });
}

describe("two webs and two workers on one PostgreSQL and S3", () => {
  it("alternates an upload's chunks between the webs, and the dataset is ready", async () => {
    const up = await uploadAlternating("alternating", csv("alt", 600 * KiB), 4, () => webs);
    expect(up.served).toEqual([webs[0]!.baseUrl, webs[1]!.baseUrl, webs[0]!.baseUrl, webs[1]!.baseUrl]);
    await waitFor("the dataset READY", 60_000, async () => (await datasetStatusOf(up.uploadId)) === "READY");
  });

  it("spreads ingests over both workers", async () => {
    const ups = await Promise.all(
      Array.from({ length: 6 }, (_, i) => uploadAlternating(`spread_${i}`, csv(`s${i}`, 200 * KiB), 2, () => webs)),
    );
    await waitFor("six datasets READY", 90_000, async () =>
      (await Promise.all(ups.map((u) => datasetStatusOf(u.uploadId)))).every((s) => s === "READY"),
    );
    const ran = await Promise.all(workers.map(ingestsRanBy));
    expect(ran.reduce((a, b) => a + b, 0)).toBe(7);
    for (const n of ran) expect(n).toBeGreaterThan(0);
    // graphile-worker's own events feed the queue wait histogram of each worker.
    for (const w of workers)
      expect(sumOf(await metricsOf(w), "scrollintel_job_wait_seconds_count", { task: "ingest" })).toBeGreaterThan(0);
  });

  it("loses nothing when one web and one worker are killed mid-load", async () => {
    const alive = new Set(webs);
    const live = () => webs.filter((w) => alive.has(w));
    const loads = Array.from({ length: 6 }, (_, i) => uploadAlternating(`load_${i}`, csv(`l${i}`, 400 * KiB), 6, live));
    await new Promise((r) => setTimeout(r, 300));
    alive.delete(webs[1]!);
    await Promise.all([webs[1]!.kill(), workers[1]!.kill()]);
    const done = await Promise.all(loads);
    await waitFor("every dataset READY", 120_000, async () =>
      (await Promise.all(done.map((u) => datasetStatusOf(u.uploadId)))).every((s) => s === "READY"),
    );
    const versions = await t.db.datasetVersion.findMany({
      where: { dataset: { tenantId: user.tenantId } },
      select: { status: true, rowCount: true },
    });
    expect(versions.filter((v) => v.status !== "READY")).toEqual([]);
    expect(versions).toHaveLength(13);
  });
});
