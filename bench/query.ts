// pnpm bench:query [--rows 6000000] [--reps 5] [--build] [--keep] [--encryption]
//
// --encryption runs everything twice in one go, storage encryption off then on
// (STORAGE_ENCRYPTION, per-tenant keys), prints both result lines, and ends
// with {"plain": {...}, "encrypted": {...}, "p50_ratio", "p95_ratio"}: the
// encrypted figures should stay within 1.2x of the plain ones.
//
// Generates a TPC-H-like lineitem (and orders) as CSV, ingests both through
// the product, then times a fixed set of analytic queries through the tRPC API
// against the running web + worker (cache off, then cache on), and the same SQL
// on the same Parquet in bare DuckDB. Progress goes to stderr; the last line on
// stdout is one JSON object:
//   {"p50_ms","p95_ms","baseline_p95_ms","overhead_ms_p95","cached_p95_ms","rows",
//    "engine_p95_ms","overhead_vs_bare_ms_p95"}
// overhead = API time - the run's own DuckDB statement time (engineMs, timed in
// the worker around the COPY): HTTP, auth, PostgreSQL, the queue, sandbox setup
// and the check, the preview and storing the result, sample by sample.
// overhead_vs_bare = API time - bare DuckDB median of the same query: the same
// thing seen from outside, plus the difference between two executions of the
// statement (on a shared 2-core host that alone swings by ±30 %).
// Env: BENCH_ROWS, BENCH_REPS,
// BENCH_DATABASE_URL (else DATABASE_URL, else embedded PostgreSQL), BENCH_DIR.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDuck, lit, openDuck } from "../apps/worker/src/duck/open-duck";
import { BENCH_QUERIES, writeTpchCsv } from "./query-data";
import { ingestFile, startStack, trpcMutation, type Stack } from "./query-stack";
import { percentile, round } from "./stats";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: process.env.BENCH_ROWS ?? "6000000" },
    reps: { type: "string", default: process.env.BENCH_REPS ?? "5" },
    build: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    encryption: { type: "boolean", default: false },
  },
});
const ROWS = Number(args.rows);
const REPS = Number(args.reps);
const THREADS = 2; // the worker's DUCKDB_THREADS default, so the baseline gets the same cores
const MEMORY = "1024MB"; // the plan's default query memory limit
const log = (line: string) => process.stderr.write(`[bench:query] ${line}\n`);

interface RunResult {
  status: string;
  error: string | null;
  cached: boolean;
  rowCount: string | null;
  engineMs: number | null;
}

async function viaApi(stack: Stack, sql: string, cache: boolean): Promise<{ ms: number; engineMs: number }> {
  const t0 = performance.now();
  const r = await trpcMutation<RunResult>(stack, "query.run", { sql, waitMs: 30_000, cache });
  const ms = performance.now() - t0;
  if (r.status !== "SUCCEEDED") throw new Error(`query failed (${r.status}): ${r.error}\n${sql}`);
  if (cache && !r.cached) throw new Error(`expected a cache hit for:\n${sql}`);
  if (!cache && r.engineMs === null) throw new Error(`a fresh run without its engine time:\n${sql}`);
  return { ms, engineMs: r.engineMs ?? 0 };
}

async function main() {
  if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error("--rows must be an integer of at least 1000");
  if (!args.encryption) {
    process.stdout.write(`${JSON.stringify(await runOnce(false))}\n`);
    return;
  }
  const plain = await runOnce(false);
  process.stdout.write(`${JSON.stringify({ encryption: "off", ...plain })}\n`);
  const encrypted = await runOnce(true);
  process.stdout.write(`${JSON.stringify({ encryption: "on", ...encrypted })}\n`);
  const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const out = {
    plain,
    encrypted,
    p50_ratio: ratio(encrypted.p50_ms, plain.p50_ms),
    p95_ratio: ratio(encrypted.p95_ms, plain.p95_ms),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function runOnce(encryption: boolean) {
  log(`storage encryption ${encryption ? "on" : "off"}`);
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "si-bench-query-"));
  log(`working in ${dir}; ${ROWS.toLocaleString("en-US")} lineitem rows, ${REPS} timed runs per query`);
  const gen = await openDuck({ memoryLimit: "2GB", threads: THREADS, tempDir: path.join(dir, "gen-spill") });
  const csv = { lineitemPath: path.join(dir, "lineitem.csv"), ordersPath: path.join(dir, "orders.csv") };
  let t = performance.now();
  const { orders } = await writeTpchCsv(gen.conn, { rows: ROWS, ...csv });
  closeDuck(gen);
  log(
    `generated CSV (${(fs.statSync(csv.lineitemPath).size / 1e6).toFixed(0)} MB lineitem) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const stack = await startStack({
    dataDir: dir,
    adminUrl: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL,
    build: args.build,
    log,
    encryption,
  });
  try {
    t = performance.now();
    const lineitem = await ingestFile(stack, csv.lineitemPath, "lineitem.csv");
    const ord = await ingestFile(stack, csv.ordersPath, "orders.csv");
    log(
      `ingested lineitem (${lineitem.rows} rows) and orders (${ord.rows} of ${orders}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    for (const f of Object.values(csv)) fs.rmSync(f);

    const api: number[] = [];
    const engine: number[] = [];
    const overhead: number[] = [];
    const overheadVsBare: number[] = [];
    const cached: number[] = [];
    const bare: number[] = [];
    const duck = await openDuck({ memoryLimit: MEMORY, threads: THREADS, tempDir: path.join(dir, "bare-spill") });
    for (const d of [lineitem, ord]) {
      await duck.conn.run(`CREATE VIEW ${d.name} AS SELECT * FROM read_parquet([${d.files.map(lit).join(", ")}])`);
    }
    for (const q of BENCH_QUERIES) {
      // Warm-up (page cache, web route, worker session), then API and bare runs
      // alternate, so both see the same machine: on a shared 2-core host the same
      // statement's time drifts by tens of ms from one second to the next.
      await viaApi(stack, q.sql, false);
      await duck.conn.runAndReadAll(q.sql);
      const apiMs: number[] = [];
      const engineMs: number[] = [];
      const bareMs: number[] = [];
      for (let i = 0; i < REPS; i++) {
        const r = await viaApi(stack, q.sql, false);
        apiMs.push(r.ms);
        engineMs.push(r.engineMs);
        const t0 = performance.now();
        await duck.conn.runAndReadAll(q.sql);
        bareMs.push(performance.now() - t0);
      }
      const cachedMs: number[] = [];
      for (let i = 0; i < REPS; i++) cachedMs.push((await viaApi(stack, q.sql, true)).ms);
      const bareMedian = percentile(bareMs, 50);
      const over = apiMs.map((ms, i) => ms - engineMs[i]!);
      api.push(...apiMs);
      engine.push(...engineMs);
      bare.push(...bareMs);
      cached.push(...cachedMs);
      overhead.push(...over);
      overheadVsBare.push(...apiMs.map((ms) => ms - bareMedian));
      log(
        `${q.name.padEnd(40)} api p50 ${round(percentile(apiMs, 50))} · engine p50 ${round(percentile(engineMs, 50))} · bare p50 ${round(bareMedian)} (${round(Math.min(...bareMs))}–${round(Math.max(...bareMs))}) · overhead p50 ${round(percentile(over, 50))} max ${round(Math.max(...over))} · cached p50 ${round(percentile(cachedMs, 50))} ms`,
      );
    }
    closeDuck(duck);
    const out = {
      p50_ms: round(percentile(api, 50)),
      p95_ms: round(percentile(api, 95)),
      baseline_p95_ms: round(percentile(bare, 95)),
      overhead_ms_p95: round(percentile(overhead, 95)),
      cached_p95_ms: round(percentile(cached, 95)),
      rows: Number(lineitem.rows),
      engine_p95_ms: round(percentile(engine, 95)),
      overhead_vs_bare_ms_p95: round(percentile(overheadVsBare, 95)),
    };
    return out;
  } finally {
    await stack.stop();
    if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
