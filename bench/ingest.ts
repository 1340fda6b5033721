// pnpm bench:ingest [--gb 5] [--memory 1GB] [--threads 2] [--reps 1]
//
// Generates a CSV of at least --gb GB (decimal; env BENCH_INGEST_GB), then
// --reps times: converts it with a bare DuckDB COPY in its own process, and
// ingests the same file through the real worker process
// (apps/worker/src/main.ts picking up the job finishUpload enqueues, through
// to READY: convert, profile, store parts, meter). Prints progress and one
// line a rep, then one JSON line (medians over the reps, peak RSS the most):
// {"mb_per_s","rows_per_s","baseline_mb_per_s","ratio","cpu_ratio","worker_peak_rss_mb","file_gb","load_1m","reps"}
// (cpu_ratio: the baseline's CPU seconds over the worker's for the ingest,
// which a busy machine barely moves; load_1m: the 1-minute load average when
// the worker finished: on a shared machine the wall-clock figures mean
// little without it).
// MB and GB are decimal (10^6, 10^9 bytes). Uses DATABASE_URL when set
// (an admin connection that may create databases), else embedded PostgreSQL.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@scrollintel/core/db/client";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { migrateDeploy } from "../prisma/migrate";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { cpuSeconds } from "./ingest-cpu";
import { writeBenchCsv } from "./ingest-csv";
import { vmHwmMib } from "./server-memory";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "bench/.out");
const { values: args } = parseArgs({
  options: {
    gb: { type: "string", default: process.env.BENCH_INGEST_GB ?? "5" },
    memory: { type: "string", default: "1GB" },
    threads: { type: "string", default: "2" },
    reps: { type: "string", default: "1" },
  },
});
const gb = Number(args.gb);
const say = (s: string) => process.stderr.write(`${s}\n`);

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  let admin = process.env.DATABASE_URL;
  let stopPg = async () => {};
  if (!admin) {
    const e = await startEmbeddedPostgres({ dir: path.join(out, "pg"), persistent: false, throwaway: true });
    admin = e.adminUrl;
    stopPg = () => e.stop();
  }
  const name = `si_bench_ingest_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  await migrateDeploy(u.toString());
  return {
    url: u.toString(),
    stop: async () => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
      await stopPg();
    },
  };
}

async function csvOfSize(): Promise<{ file: string; rows: number }> {
  const file = path.join(out, `ingest-${gb}gb.csv`);
  const meta = `${file}.rows`;
  if (fs.existsSync(file) && fs.existsSync(meta)) return { file, rows: Number(fs.readFileSync(meta, "utf8")) };
  say(`generating ${gb} GB of CSV at ${file} …`);
  const rows = await writeBenchCsv(file, gb * 1e9);
  fs.writeFileSync(meta, String(rows));
  return { file, rows };
}

interface Rep {
  seconds: number;
  cpu: number;
  rows: number;
  baseline: { seconds: number; cpu_seconds: number };
  load: number;
}

function runBaseline(file: string): { seconds: number; cpu_seconds: number; peak_rss_mb: number } {
  const base = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/ingest-baseline.ts", file, path.join(out, "baseline"), args.memory, args.threads],
    { cwd: root, encoding: "utf8" },
  );
  if (base.status !== 0) throw new Error(`baseline failed: ${base.stderr}`);
  return JSON.parse(base.stdout.trim().split("\n").at(-1)!) as {
    seconds: number;
    cpu_seconds: number;
    peak_rss_mb: number;
  };
}

type Ctx = Parameters<typeof createUpload>[1];

/** One ingest of `file` through the worker, from finishUpload to READY. */
async function ingestOnce(
  a: { prisma: ReturnType<typeof createDb>; ctx: Ctx; storage: LocalStorage; worker: ChildProcess },
  file: string,
  bytes: number,
): Promise<{ seconds: number; cpu: number; rows: number }> {
  const { prisma, ctx, storage, worker } = a;
  const up = await createUpload(prisma, ctx, { filename: path.basename(file), sizeBytes: BigInt(bytes) });
  // The upload itself is not what is measured: link the file in place of copying it.
  fs.mkdirSync(path.dirname(storage.localPath(up.storageKey)), { recursive: true });
  fs.linkSync(file, storage.localPath(up.storageKey));
  const t0 = performance.now();
  const cpu0 = cpuSeconds(worker.pid!);
  const { datasetId } = await finishUpload(prisma, ctx, { uploadId: up.uploadId, storedBytes: BigInt(bytes) });
  let last = "";
  for (;;) {
    if (worker.exitCode !== null) throw new Error("the worker exited");
    const v = await prisma.datasetVersion.findFirstOrThrow({ where: { datasetId } });
    if (v.status === "READY" || v.status === "FAILED") {
      const seconds = (performance.now() - t0) / 1000;
      if (v.status === "FAILED") throw new Error(`ingest failed: ${v.error}`);
      const cpu = cpuSeconds(worker.pid!) - cpu0;
      say(`worker ingest: ${seconds.toFixed(1)} s (${cpu.toFixed(1)} CPU s) to READY, ${v.rowCount} rows`);
      const ready = fs
        .readFileSync(path.join(out, "worker.log"), "utf8")
        .split("\n")
        .filter((l) => l.includes('"dataset ready"'))
        .at(-1);
      if (ready) say(`worker phases (ms): ${JSON.stringify((JSON.parse(ready) as { ms: unknown }).ms)}`);
      return { seconds, cpu, rows: Number(v.rowCount) };
    }
    const p = v.progress as { phase?: string; percent?: number };
    const line = `${p.phase ?? v.status.toLowerCase()} ${Math.floor(p.percent ?? 0)}%`;
    if (line !== last) say(`  ${line}  rss ${vmHwmMib(worker.pid!).toFixed(0)} MB peak so far`);
    last = line;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** Per-rep figures, and their medians: on a shared machine one rep says little. */
function figures(reps: Rep[], bytes: number) {
  const each = reps.map((r) => ({
    mb_per_s: bytes / 1e6 / r.seconds,
    rows_per_s: r.rows / r.seconds,
    baseline_mb_per_s: bytes / 1e6 / r.baseline.seconds,
    ratio: r.baseline.seconds / r.seconds,
    cpu_ratio: r.baseline.cpu_seconds / r.cpu,
    load_1m: r.load,
  }));
  const mid = (k: keyof (typeof each)[number]) => median(each.map((e) => e[k]));
  return { each, mid };
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const { file, rows } = await csvOfSize();
  const bytes = fs.statSync(file).size;
  const reps = Math.max(1, Number(args.reps));
  say(`file: ${(bytes / 1e9).toFixed(2)} GB, ${rows.toLocaleString("en-US")} rows, ${reps} rep(s)`);

  const db = await database();
  const dataDir = path.join(out, "data");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const storage = new LocalStorage(path.join(dataDir, "storage"));
  const prisma = createDb(db.url);
  const worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      WORKER_HEALTH_PORT: "0",
      WORKER_CONCURRENCY: "1",
      DUCKDB_MEMORY_LIMIT: args.memory,
      DUCKDB_THREADS: args.threads,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", fs.openSync(path.join(out, "worker.log"), "w"), "inherit"],
  });
  try {
    const tenant = await prisma.tenant.create({ data: { slug: "bench", name: "Bench" } });
    const user = await prisma.user.create({ data: { email: "bench@bench.test", name: "Bench", passwordHash: "x" } });
    await prisma.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "OWNER" } });
    const big = 10n ** 15n;
    await prisma.tenantQuota.create({
      data: {
        tenantId: tenant.id,
        storageBytesLimit: big,
        maxFileBytes: big,
        ingestBytesMonthLimit: big,
        scanBytesMonthLimit: big,
      },
    });
    const ctx: Ctx = {
      tenantId: tenant.id,
      role: "OWNER" as const,
      actor: { type: "USER" as const, id: user.id },
      suspended: false,
    };
    await new Promise((r) => setTimeout(r, 3000)); // let the worker boot before the clock starts
    const done: Rep[] = [];
    for (let i = 0; i < reps; i++) {
      // Baseline and worker take turns, so a change in the machine's load falls on both.
      const baseline = runBaseline(file);
      say(
        `baseline COPY: ${baseline.seconds.toFixed(1)} s (${baseline.cpu_seconds.toFixed(1)} CPU s), peak RSS ${baseline.peak_rss_mb.toFixed(0)} MB`,
      );
      const w = await ingestOnce({ prisma, ctx, storage, worker }, file, bytes);
      done.push({ ...w, baseline, load: round(os.loadavg()[0]!, 1) });
      const f = figures(done, bytes).each.at(-1)!;
      say(`rep ${i + 1}: ratio ${f.ratio.toFixed(3)}, cpu_ratio ${f.cpu_ratio.toFixed(3)}, load ${f.load_1m}`);
    }
    const { mid } = figures(done, bytes);
    const result = {
      mb_per_s: round(mid("mb_per_s"), 1),
      rows_per_s: Math.round(mid("rows_per_s")),
      baseline_mb_per_s: round(mid("baseline_mb_per_s"), 1),
      ratio: round(mid("ratio"), 3),
      cpu_ratio: round(mid("cpu_ratio"), 3),
      worker_peak_rss_mb: Math.round(vmHwmMib(worker.pid!)),
      file_gb: round(bytes / 1e9, 2),
      load_1m: round(mid("load_1m"), 1),
      reps,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    worker.kill("SIGTERM");
    await new Promise((r) => (worker.exitCode !== null ? r(null) : worker.once("exit", r)));
    await prisma.$disconnect();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  say(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
