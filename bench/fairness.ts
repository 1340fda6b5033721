// pnpm bench:fairness [--rows 1000000] [--reps 10] [--hog-jobs 4] [--build]
//
// Fair share between tenants, on the real web + worker (WORKER_CONCURRENCY 2):
// the victim tenant (acme) times a small GROUP BY through the tRPC API, first
// alone, then while the hog tenant (globex) keeps the worker saturated with
// long cross joins (always --hog-jobs of them queued or running, its
// concurrent-jobs limit). Progress goes to stderr; the last line on stdout is
//   {"victim_alone_p95_ms","victim_p95_ms","slowdown", ...}
// Target: slowdown <= 2. The hog holds one worker slot (its plan's share); the
// victim and the hog still share the machine's cores, so on a busy 2-core host
// some slowdown is CPU, not the queue: the victim's time spent queued (run
// created to claimed by a worker) is reported separately.
// Env: BENCH_DATABASE_URL (else DATABASE_URL, else embedded PostgreSQL), BENCH_DIR.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDuck, openDuck } from "../apps/worker/src/duck/open-duck";
import { signInCookie } from "../test/e2e-session";
import { writeTpchCsv } from "./query-data";
import { ingestFile, startStack, trpcMutation, type Stack } from "./query-stack";
import { percentile, round } from "./stats";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    reps: { type: "string", default: "10" },
    "hog-jobs": { type: "string", default: "4" },
    build: { type: "boolean", default: false },
  },
});
const REPS = Number(args.reps);
const HOG_JOBS = Number(args["hog-jobs"]);
const VICTIM_SQL = `SELECT l_returnflag, l_linestatus, count(*) AS n, sum(l_quantity) AS qty
  FROM lineitem GROUP BY ALL ORDER BY ALL`;
// Tens of seconds of CPU each; the plan's query time limit (30 s) ends the longest.
const HOG_SQL = "SELECT sum(a.range * b.range) AS s FROM range(30000) a, range(30000) b";
const log = (line: string) => process.stderr.write(`[bench:fairness] ${line}\n`);

interface RunResult {
  id: string;
  status: string;
  error: string | null;
}

interface Timing {
  /** From the API call to its answer. */
  ms: number;
  /** Queued, waiting for a worker slot: from the run's creation to the worker claiming it. */
  queuedMs: number;
}

/** The victim's query, timed from the API, with the part it spent queued (the scheduler's share). */
async function timeVictim(stack: Stack): Promise<Timing> {
  const t0 = performance.now();
  const r = await trpcMutation<RunResult>(stack, "query.run", { sql: VICTIM_SQL, waitMs: 30_000, cache: false });
  const ms = performance.now() - t0;
  if (r.status !== "SUCCEEDED") throw new Error(`victim query ${r.status}: ${r.error}`);
  const row = await stack.db.queryRun.findUniqueOrThrow({ where: { id: r.id } });
  const queuedMs = row.finishedAt!.getTime() - row.createdAt.getTime() - (row.durationMs ?? 0);
  return { ms, queuedMs };
}

async function timeVictimRuns(stack: Stack): Promise<{ ms: number[]; queuedMs: number[] }> {
  const ms: number[] = [];
  const queuedMs: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const r = await timeVictim(stack);
    ms.push(r.ms);
    queuedMs.push(r.queuedMs);
  }
  return { ms, queuedMs };
}

/** Keeps `HOG_JOBS` of the hog's long queries queued or running until stopped. */
function startHog(stack: Stack, hogTenantId: string) {
  let stopped = false;
  let started = 0;
  const loop = (async () => {
    while (!stopped) {
      const live = await stack.db.queryRun.count({
        where: { tenantId: hogTenantId, status: { in: ["QUEUED", "RUNNING"] } },
      });
      for (let i = live; i < HOG_JOBS && !stopped; i++) {
        await trpcMutation<RunResult>(stack, "query.run", { sql: HOG_SQL, waitMs: 0, cache: false });
        started++;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      // Queued ones never start; running ones are interrupted.
      const live = await stack.db.queryRun.findMany({
        where: { tenantId: hogTenantId, status: { in: ["QUEUED", "RUNNING"] } },
        select: { id: true },
      });
      for (const r of live) await trpcMutation(stack, "query.cancel", { id: r.id }).catch(() => undefined);
      return started;
    },
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "si-bench-fair-"));
  const gen = await openDuck({ memoryLimit: "1GB", threads: 2, tempDir: path.join(dir, "gen-spill") });
  const csv = { lineitemPath: path.join(dir, "lineitem.csv"), ordersPath: path.join(dir, "orders.csv") };
  await writeTpchCsv(gen.conn, { rows: Number(args.rows), ...csv });
  closeDuck(gen);
  const stack = await startStack({
    dataDir: dir,
    adminUrl: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL,
    build: args.build,
    log,
  });
  try {
    await ingestFile(stack, csv.lineitemPath, "lineitem.csv");
    const globex = await stack.db.tenant.findUniqueOrThrow({ where: { slug: "globex" } });
    const hog: Stack = { ...stack, cookie: await signInCookie(stack.baseUrl, "analyst@globex.test") };
    await timeVictim(stack); // warm-up: page cache, route, the tenant's sandbox
    const alone = await timeVictimRuns(stack);
    log(`alone: ${alone.ms.map(Math.round).join(", ")} ms`);

    const hogger = startHog(hog, globex.id);
    await new Promise((r) => setTimeout(r, 2000)); // the hog's first jobs take their slot
    const busy = await timeVictimRuns(stack);
    const hogStarted = await hogger.stop();
    log(`under saturation: ${busy.ms.map(Math.round).join(", ")} ms (hog started ${hogStarted} queries)`);

    const alone95 = percentile(alone.ms, 95);
    const busy95 = percentile(busy.ms, 95);
    const result = {
      victim_alone_p95_ms: round(alone95),
      victim_p95_ms: round(busy95),
      slowdown: Math.round((busy95 / alone95) * 100) / 100,
      victim_alone_queued_p95_ms: round(percentile(alone.queuedMs, 95)),
      victim_queued_p95_ms: round(percentile(busy.queuedMs, 95)),
      reps: REPS,
      hog_jobs: HOG_JOBS,
      load_avg_1m: round(os.loadavg()[0]!),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
