// Durable before acknowledged, under crashes: producers send event batches to the
// built web app while web and worker are killed with SIGKILL at random moments and
// restarted. Afterwards every acknowledged batch is in the dataset exactly once
// (count and checksum of its ids), and no batch that was never acknowledged
// appears twice. Producers retry a failed batch with its Idempotency-Key.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../test/factories";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { startWebServer, type WebServer } from "../../../test/web-server";
import { spawnWorker, waitFor, type WorkerProcess } from "../../../test/worker-harness";

const root = path.resolve(import.meta.dirname, "../../..");
const logFile = path.join(root, "test-results-e2e-servers.log");
const PRODUCERS = 3;
const PER_BATCH = 200;
const KILLS = 4;

let t: TestDb;
let tmp: string;
let owner: TestUser;
let key: string;
let web: WebServer;
let worker: WorkerProcess;
const workers: WorkerProcess[] = [];

// Deterministic chaos: a seeded generator, so a failure can be replayed.
let seed = 13;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-stream-fault-"));
  owner = await createMember(t.db, await createTenant(t.db), "ANALYST");
  const admin = await createMember(t.db, { id: owner.tenantId, slug: owner.slug }, "OWNER");
  key = (await createApiKey(t.db, ctxOf(admin), { name: "producer", scopes: ["events:write"] })).key;
  const env = { DATABASE_URL: t.url, DATA_DIR: tmp };
  web = await startWebServer(env, logFile);
  worker = await startWorker();
});
afterAll(async () => {
  await web?.kill();
  for (const w of workers) await w.kill();
  await t?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function startWorker(): Promise<WorkerProcess> {
  const w = await spawnWorker({ databaseUrl: t.url, dataDir: tmp, env: { STREAM_COMPACT_AGE_MS: "300" } });
  workers.push(w);
  await waitFor("worker health", 30_000, async () => (await w.health()) === 200);
  return w;
}

interface Batch {
  id: string;
  ids: number[];
  acked: boolean;
}

function body(b: Batch): string {
  return b.ids.map((id) => JSON.stringify({ id, batch: b.id, payload: "x".repeat(40) })).join("\n") + "\n";
}

/** Sends one batch until it is acknowledged or the run ends; a crash mid-request is retried with the same key. */
async function send(b: Batch, stop: { done: boolean }): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    try {
      const res = await fetch(`${web.baseUrl}/api/events?dataset=events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "idempotency-key": b.id, "content-type": "application/x-ndjson" },
        body: body(b),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 200) {
        b.acked = true;
        return;
      }
      await res.body?.cancel();
    } catch {
      // the web was killed: retry
    }
    await new Promise((r) => setTimeout(r, 100 + rand() * 200));
    if (stop.done && rand() < 0.3) return; // some retries are given up: unacknowledged
  }
}

async function produce(p: number, stop: { done: boolean }, batches: Batch[]): Promise<void> {
  for (let n = 0; !stop.done; n++) {
    const first = (p * 1_000_000 + n) * PER_BATCH;
    const b: Batch = { id: `p${p}-b${n}`, ids: Array.from({ length: PER_BATCH }, (_, i) => first + i), acked: false };
    batches.push(b);
    await send(b, stop);
  }
}

/** Four SIGKILLs at random moments, two of the web and two of the worker, each restarted at once. */
async function chaos(): Promise<number> {
  const webFirst = rand() < 0.5;
  for (let kill = 0; kill < KILLS; kill++) {
    await new Promise((r) => setTimeout(r, 700 + rand() * 1500));
    if ((kill % 2 === 0) === webFirst) {
      await web.kill();
      await web.start();
    } else {
      await worker.kill();
      worker = await startWorker();
    }
  }
  return KILLS;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const { id } = await createQueryRun(t.db, ctxOf(owner), { sql, useCache: false });
  const run = await waitFor("the check query", 60_000, async () => {
    const r = await getQueryRunById(t.db, ctxOf(owner), id);
    return r.status === "SUCCEEDED" || r.status === "FAILED" ? r : null;
  });
  expect(run.status, run.error ?? "").toBe("SUCCEEDED");
  return run.previewRows as Record<string, unknown>[];
}

describe("events under kill -9 of web and worker", () => {
  it("keeps every acknowledged batch exactly once and never doubles an unacknowledged one", async () => {
    const stop = { done: false };
    const batches: Batch[] = [];
    const done = chaos().then(async (n) => {
      await new Promise((r) => setTimeout(r, 1000)); // producers send to the last restart too
      stop.done = true;
      return n;
    });
    const [kills] = await Promise.all([
      done,
      ...Array.from({ length: PRODUCERS }, (_, p) => produce(p, stop, batches)),
    ]);
    expect(kills).toBe(KILLS);
    const acked = batches.filter((b) => b.acked);
    expect(acked.length).toBeGreaterThan(10);

    // Everything acknowledged gets compacted by the (restarted) worker.
    await waitFor("compaction of every segment", 60_000, async () => {
      const n = await t.db.streamSegment.count({ where: { tenantId: owner.tenantId, status: "PENDING" } });
      return n === 0;
    });
    const rows = await query(
      `SELECT batch, count(*)::INT AS n, count(DISTINCT id)::INT AS d, sum(id)::DOUBLE AS s
         FROM events GROUP BY batch ORDER BY batch`,
    );
    const found = new Map(rows.map((r) => [String(r.batch), r]));
    expect(found.size).toBeLessThan(1000); // the preview holds every group
    for (const b of acked) {
      const sum = b.ids.reduce((a, x) => a + x, 0);
      expect(found.get(b.id), `acknowledged batch ${b.id}`).toEqual({
        batch: b.id,
        n: PER_BATCH,
        d: PER_BATCH,
        s: sum,
      });
    }
    for (const b of batches.filter((x) => !x.acked)) {
      const r = found.get(b.id);
      if (r) expect(r.n, `unacknowledged batch ${b.id} appears once at most`).toBe(PER_BATCH);
    }
    const known = new Set(batches.map((b) => b.id));
    expect([...found.keys()].filter((k) => !known.has(k))).toEqual([]);
    const [total] = await query("SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM events");
    expect(total!.n).toBe(total!.d);
  });
});
