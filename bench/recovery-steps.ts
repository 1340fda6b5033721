// The three faults `pnpm bench:recovery` puts the running product through.
import fs from "node:fs";
import type { Readable } from "node:stream";
import pg from "pg";
import type { Db } from "@scrollintel/core/db/client";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import type { LocalStorage } from "@scrollintel/core/storage/local-storage";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { isProcessAlive } from "../scripts/process-alive";
import { readRunFile } from "../scripts/run-file";
import { answers, waitUntil } from "../scripts/start-harness";

export interface Product {
  dataDir: string;
  baseUrl: string;
  databaseUrl: string;
  db: Db;
  storage: LocalStorage;
  analyst: TenantCtx;
  cookie: string;
  log: (line: string) => void;
}

interface RunResult {
  id: string;
  status: string;
  error: string | null;
}

/** query.run over HTTP as any client sends it; `null` when the API did not answer with a run. */
export async function runQuery(p: Product, sql: string, waitMs = 30_000): Promise<RunResult | null> {
  try {
    const res = await fetch(`${p.baseUrl}/api/trpc/query.run`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: p.cookie },
      body: JSON.stringify({ json: { sql, waitMs, cache: false } }),
      signal: AbortSignal.timeout(waitMs + 15_000),
    });
    const body = (await res.json()) as { result?: { data: { json: RunResult } } };
    return body.result?.data.json ?? null;
  } catch {
    return null;
  }
}

function pids(p: Product) {
  return readRunFile(p.dataDir)?.pids ?? {};
}

async function ingestJob(url: string): Promise<{ lockedBy: string | null; attempts: number } | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ locked_by: string | null; attempts: number }>(
      "SELECT locked_by, attempts FROM graphile_worker.jobs WHERE task_identifier = 'ingest' LIMIT 1",
    );
    return r.rows[0] ? { lockedBy: r.rows[0].locked_by, attempts: r.rows[0].attempts } : null;
  } finally {
    await c.end();
  }
}

/** (a) kill -9 the worker mid-ingest: seconds until another worker took the job, and until it finished. */
export async function killWorkerMidIngest(p: Product, csv: string) {
  const size = BigInt(fs.statSync(csv).size);
  const up = await createUpload(p.db, p.analyst, { filename: "recovery.csv", sizeBytes: size });
  await p.storage.put(up.storageKey, fs.createReadStream(csv) as Readable);
  const { datasetId } = await finishUpload(p.db, p.analyst, { uploadId: up.uploadId, storedBytes: size });
  const first = await waitUntil("the ingest to start", 120_000, async () => {
    const j = await ingestJob(p.databaseUrl);
    return j?.lockedBy ? j : null;
  });
  await new Promise((r) => setTimeout(r, 1000)); // well inside the ingest
  if (!(await ingestJob(p.databaseUrl))?.lockedBy)
    throw new Error("the ingest finished before the worker could be killed: run with a larger --mb");
  const worker = pids(p).worker!;
  const killedAt = performance.now();
  process.kill(worker, "SIGKILL");
  p.log(`killed worker ${worker} mid-ingest (job locked by ${first.lockedBy})`);
  let pickupS: number | null = null;
  const deadline = killedAt + 300_000;
  for (;;) {
    const v = await p.db.datasetVersion.findFirst({ where: { datasetId }, orderBy: { version: "desc" } });
    if (v?.status === "READY" || v?.status === "FAILED") {
      const doneS = (performance.now() - killedAt) / 1000;
      pickupS ??= doneS;
      return { pickupS, doneS, status: v.status, error: v.error };
    }
    const j = await ingestJob(p.databaseUrl).catch(() => null);
    if (pickupS === null && j?.lockedBy && (j.lockedBy !== first.lockedBy || j.attempts > first.attempts))
      pickupS = (performance.now() - killedAt) / 1000;
    if (performance.now() > deadline) return { pickupS, doneS: null, status: v?.status ?? "?", error: "timed out" };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** (b) kill -9 the embedded postmaster: do web, worker and a query work again with nobody's help? */
export async function killPostmaster(p: Product): Promise<{ recovered: boolean; seconds: number | null }> {
  const before = pids(p);
  const killedAt = performance.now();
  process.kill(before.postgres!, "SIGKILL");
  p.log(`killed the embedded postmaster ${before.postgres}`);
  try {
    await waitUntil("web, worker and a query to work again", 180_000, async () => {
      const now = readRunFile(p.dataDir);
      if (!now?.pids.postgres || now.pids.postgres === before.postgres) return false;
      if (!(await answers(`${p.baseUrl}/api/health`))) return false;
      if (!(await answers(`http://127.0.0.1:${now.workerHealthPort}/health`))) return false;
      return (await runQuery(p, "SELECT 42 AS answer", 10_000))?.status === "SUCCEEDED";
    });
    return { recovered: true, seconds: (performance.now() - killedAt) / 1000 };
  } catch (e) {
    p.log(String(e));
    return { recovered: false, seconds: null };
  }
}

/** (c) the crash query of issue 10, then a normal one: still answered by the same web and worker? */
export async function runCrashQuery(p: Product) {
  const before = pids(p);
  const crash = await runQuery(p, "SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp/x')");
  p.log(`crash query: ${crash ? `${crash.status} ${crash.error ?? ""}` : "no answer"}`);
  await new Promise((r) => setTimeout(r, 3000)); // the abort came about a second after the failure
  const normal = await runQuery(p, "SELECT 1 AS one");
  const after = pids(p);
  const sameProcesses =
    after.web === before.web &&
    after.worker === before.worker &&
    isProcessAlive(before.web!) &&
    isProcessAlive(before.worker!);
  p.log(`normal query: ${normal?.status ?? "no answer"}; same web and worker: ${sameProcesses}`);
  return { survived: normal?.status === "SUCCEEDED" && sameProcesses };
}
