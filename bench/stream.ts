// Streaming ingest benchmark (a script, not a test): producers on this machine
// send ~100-byte records in gzip NDJSON batches to POST /api/events of the built
// web app for --seconds (default 60) while the real worker compacts; a watcher
// measures how long acknowledged batches take to show up in query results.
// Payloads are made before the clock starts (--pregen records, by two threads),
// so the producers measure the server, not their own JSON and gzip; if the run
// outgrows them, the threads make more while it runs (reported as
// generated_during_run). The key and the plan get rates above what is offered,
// so only backpressure (compaction lag) refuses batches. Lost and duplicated
// records are checked by count and by distinct ids.
// The last line is JSON:
//   {"records_per_s", "ack_p99_ms", "visible_p95_s", "web_peak_rss_mb", "lost", "duplicated", ...}
// Targets (issue 13): records_per_s >= 1e6, ack_p99_ms <= 500, visible_p95_s <= 5,
// web_peak_rss_mb <= 400, lost = 0, duplicated = 0. The numbers are printed as measured.
//
//   pnpm bench:stream [--seconds 60] [--producers 4] [--batch 50000] [--pregen 20000000] [--dir bench/.out]
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { createDb } from "@scrollintel/core/db/client";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { startBenchStack } from "./bench-stack";
import { peakRssMib } from "./server-memory";
import { freePort } from "../scripts/free-port";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    producers: { type: "string", default: "4" },
    // 50k records of ~100 bytes: 5 MB of NDJSON, ~0.6 MB gzip, within the 10 MB request limit.
    batch: { type: "string", default: "50000" },
    pregen: { type: "string", default: "20000000" },
    dir: { type: "string", default: path.resolve(import.meta.dirname, ".out") },
  },
});
const SECONDS = Number(args.seconds);
const PRODUCERS = Number(args.producers);
const BATCH = Number(args.batch);
const PREGEN_BATCHES = Math.ceil(Number(args.pregen) / BATCH);
const root = path.resolve(import.meta.dirname, "..");

function say(line: string) {
  process.stderr.write(`${line}\n`);
}

/** Makes gzip batches of ~100-byte records with ids [b * n, (b + 1) * n), in a thread of its own. */
const GENERATOR = `
const { parentPort } = require("node:worker_threads");
const zlib = require("node:zlib");
parentPort.on("message", ({ b, n }) => {
  const t = Date.now();
  let out = "";
  for (let i = 0; i < n; i++) {
    const id = b * n + i;
    out += '{"id":' + id + ',"b":' + b + ',"ts":' + t + ',"user":"u' + (id % 9973) + '","value":' + (id % 1000) / 7 + ',"tag":"ev-' + (id % 13) + '"}\\n';
  }
  const body = zlib.gzipSync(out, { level: 1 });
  parentPort.postMessage({ b, body }, [body.buffer]);
});`;

/** Batches in order of their number, made by two threads ahead of the producers. */
function batchSource() {
  const threads = [new Worker(GENERATOR, { eval: true }), new Worker(GENERATOR, { eval: true })];
  const ready = new Map<number, Uint8Array<ArrayBuffer>>();
  const waiting = new Map<number, (body: Uint8Array<ArrayBuffer>) => void>();
  let requested = 0;
  let generatedDuringRun = 0;
  let running = false;
  for (const w of threads) {
    w.on("message", ({ b, body }: { b: number; body: Uint8Array<ArrayBuffer> }) => {
      const buf = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      if (running) generatedDuringRun++;
      const wake = waiting.get(b);
      if (wake) {
        waiting.delete(b);
        wake(buf);
      } else ready.set(b, buf);
    });
  }
  const request = (upTo: number) => {
    while (requested < upTo) threads[requested % 2]!.postMessage({ b: requested++, n: BATCH });
  };
  let next = 0;
  return {
    async prefill(batches: number) {
      request(batches);
      while (ready.size < batches) await new Promise((r) => setTimeout(r, 100));
      running = true;
    },
    /** The next batch; asks for more once fewer than a few dozen are made ahead. */
    take(): Promise<{ b: number; body: Uint8Array<ArrayBuffer> }> {
      const b = next++;
      request(b + 32);
      const body = ready.get(b);
      if (body) {
        ready.delete(b);
        return Promise.resolve({ b, body });
      }
      return new Promise((r) => waiting.set(b, (x) => r({ b, body: x })));
    },
    stats: () => ({ generatedDuringRun }),
    stop: () => Promise.all(threads.map((w) => w.terminate())),
  };
}

function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const dir = path.join(args.dir!, `stream-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const source = batchSource();
  const t0gen = performance.now();
  await source.prefill(PREGEN_BATCHES);
  const baseline = (PREGEN_BATCHES * BATCH) / ((performance.now() - t0gen) / 1000);
  say(`made ${PREGEN_BATCHES} batches ahead (${Math.round(baseline)} records/s with two threads)`);
  const stack = await startBenchStack({ dir, quotaBytes: 1024n * 1024n * 1024n * 1024n });
  const workerLog = fs.openSync(path.join(dir, "worker.log"), "w");
  const worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      DATA_DIR: stack.dataDir,
      WORKER_HEALTH_PORT: String(await freePort()),
      STREAM_COMPACT_AGE_MS: "1000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", workerLog, workerLog],
  });
  const db = createDb(stack.databaseUrl);
  try {
    const tenant = await db.tenant.findFirstOrThrow({ where: { slug: "acme" } });
    await db.tenantQuota.update({
      where: { tenantId: tenant.id },
      data: {
        streamRecordsPerSecond: 100_000_000,
        streamBytesPerSecond: 1024n * 1024n * 1024n * 1024n,
        apiRequestsPerMinute: 1_000_000,
      },
    });
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: tenant.id, role: "OWNER" } });
    const ctx: TenantCtx = {
      tenantId: tenant.id,
      role: "OWNER",
      actor: { type: "USER", id: owner.userId },
      suspended: false,
    };
    const { key } = await createApiKey(db, ctx, {
      name: "bench",
      scopes: ["events:write"],
      requestsPerMinute: 1_000_000,
    });

    const acks: number[] = [];
    const ackedAt = new Map<number, number>();
    let acked = 0;
    let refused = 0;
    const until = Date.now() + SECONDS * 1000;
    const t0 = Date.now();

    async function producer() {
      while (Date.now() < until) {
        const { b, body } = await source.take();
        for (;;) {
          const s = performance.now();
          const res = await fetch(`${stack.baseUrl}/api/events?dataset=events`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-encoding": "gzip", "idempotency-key": `b${b}` },
            body,
          }).catch(() => null);
          const ms = performance.now() - s;
          if (res?.status === 200) {
            await res.body?.cancel();
            acks.push(ms);
            acked += BATCH;
            ackedAt.set(b, Date.now());
            break;
          }
          refused++;
          const wait = Number(res?.headers.get("retry-after") ?? "1");
          await res?.body?.cancel();
          await new Promise((r) => setTimeout(r, Math.min(wait, 2) * 1000));
        }
      }
    }

    const queryParts: { wait: number; task: number; engine: number }[] = [];
    const partP50 = (k: "wait" | "task" | "engine") =>
      Number(
        (
          percentile(
            queryParts.map((q) => q[k]),
            50,
          ) / 1000
        ).toFixed(2),
      );
    async function runQuery(sql: string) {
      const { id } = await createQueryRun(db, ctx, { sql, useCache: false });
      for (;;) {
        const r = await getQueryRunById(db, ctx, id);
        if (r.status === "SUCCEEDED") {
          // Where a watcher query's time goes: waiting for a worker slot, the task, DuckDB's statement.
          const total = (r.finishedAt ?? new Date()).getTime() - r.createdAt.getTime();
          queryParts.push({ wait: total - (r.durationMs ?? 0), task: r.durationMs ?? 0, engine: r.engineMs ?? 0 });
          return r.previewRows as Record<string, unknown>[];
        }
        if (r.status === "FAILED" || r.status === "CANCELLED") throw new Error(r.error ?? r.status);
        await new Promise((res) => setTimeout(res, 50));
      }
    }

    /** Every ~2 s: the newest acknowledged batch, and how long after its 200 a query first counts all of it. */
    const visible: number[] = [];
    /** How long each of the watcher's queries took, from creating the run to its answer. */
    const queryS: number[] = [];
    let queryErrors = 0;
    async function watcher() {
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 2000));
        const latest = [...ackedAt.entries()].sort((a, b) => b[1] - a[1])[0];
        if (!latest) continue;
        const [b, at] = latest;
        for (;;) {
          const q0 = Date.now();
          const rows = await runQuery(`SELECT count(*)::INT AS n FROM events WHERE b = ${b}`).catch((e: unknown) => {
            if (!queryErrors++) say(`watcher query failed: ${String(e)}`);
            return null;
          });
          if (rows) queryS.push((Date.now() - q0) / 1000);
          if (rows && rows[0]?.n === BATCH) {
            visible.push((Date.now() - at) / 1000);
            break;
          }
          if (Date.now() - at > 120_000) break;
        }
      }
    }

    say(`${PRODUCERS} producers, ${BATCH} records a batch, ${SECONDS} s`);
    // The rate is over the producers' time: the watcher may still wait for its last batch after them.
    const watching = watcher();
    await Promise.all(Array.from({ length: PRODUCERS }, producer));
    const elapsed = (Date.now() - t0) / 1000;
    await watching;
    say(
      `acknowledged ${acked} records in ${elapsed.toFixed(1)} s; ${refused} refusals/retries; waiting for compaction`,
    );
    const drainStart = Date.now();
    for (;;) {
      const pending = await db.streamSegment.count({ where: { status: "PENDING" } });
      if (pending === 0 || Date.now() - drainStart > 300_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    say(`compaction caught up in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`);
    const [tot] = await runQuery("SELECT count(*)::BIGINT AS n, count(DISTINCT id)::BIGINT AS d FROM events");
    const n = Number(tot!.n);
    const d = Number(tot!.d);
    const result = {
      records_per_s: Math.round(acked / elapsed),
      ack_p99_ms: Math.round(percentile(acks, 99)),
      visible_p95_s: Number(percentile(visible, 95).toFixed(2)),
      web_peak_rss_mb: Math.round(peakRssMib(stack.serverPid)),
      lost: Math.max(0, acked - d),
      duplicated: n - d,
      pregenerated_records_per_s: Math.round(baseline),
      generated_during_run: source.stats().generatedDuringRun,
      watcher_query_errors: queryErrors,
      watcher_query_p50_s: Number(percentile(queryS, 50).toFixed(2)),
      watcher_query_p95_s: Number(percentile(queryS, 95).toFixed(2)),
      watcher_queries: queryS.length,
      watcher_wait_p50_s: partP50("wait"),
      watcher_task_p50_s: partP50("task"),
      watcher_engine_p50_s: partP50("engine"),
      batches: acks.length,
      refusals: refused,
      seconds: SECONDS,
      producers: PRODUCERS,
      records_per_batch: BATCH,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await source.stop();
    worker.kill("SIGTERM");
    await db.$disconnect();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
