// pnpm bench:recovery [--mb 300] [--build] [--keep]
//
// Runs `pnpm start`'s own start script (embedded PostgreSQL in a temp
// DATA_DIR, free ports) and puts it through three faults:
//  (a) kill -9 of the worker mid-ingest of a generated CSV (--mb MB):
//      worker_kill_pickup_s = seconds until another worker process took the job
//      (worker_kill_done_s: until the dataset was READY);
//  (b) kill -9 of the embedded postmaster: pg_restart_recovered = web and worker
//      health and a query through the API work again, with no manual step;
//  (c) the enable_logging query of issue 10, then a normal query:
//      crash_query_survived = the normal query succeeded and the same web and
//      worker processes still run.
// Progress goes to stderr; the last line on stdout is one JSON object:
//   {"worker_kill_pickup_s","pg_restart_recovered","crash_query_survived",…}
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@scrollintel/core/db/client";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { freePort } from "../scripts/free-port";
import { buildWeb } from "../scripts/product-servers";
import { launchStartScript, waitForServices } from "../scripts/start-harness";
import { signInCookie } from "../test/e2e-session";
import { writeBenchCsv } from "./ingest-csv";
import { killPostmaster, killWorkerMidIngest, runCrashQuery, type Product } from "./recovery-steps";

const { values: args } = parseArgs({
  options: {
    mb: { type: "string", default: process.env.BENCH_RECOVERY_MB ?? "300" },
    build: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const log = (line: string) => process.stderr.write(`[bench:recovery] ${line}\n`);
const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-bench-recovery-"));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, "data");
  log(`working in ${dir}; building the web app if there is no build …`);
  buildWeb({ force: args.build, quiet: true });
  const csv = path.join(dir, "recovery.csv");
  await writeBenchCsv(csv, Number(args.mb) * 1e6);

  const script = launchStartScript({
    DATA_DIR: dataDir,
    WEB_PORT: String(await freePort()),
    WORKER_HEALTH_PORT: String(await freePort()),
    NEXTAUTH_SECRET: "bench-recovery-secret-bench-recovery",
  });
  fs.writeFileSync(path.join(dir, "start.log"), "");
  script.proc.stdout!.on("data", (d: Buffer) => fs.appendFileSync(path.join(dir, "start.log"), d));
  script.proc.stderr!.on("data", (d: Buffer) => fs.appendFileSync(path.join(dir, "start.log"), d));
  try {
    const run = await waitForServices(dataDir, 300_000);
    const baseUrl = `http://127.0.0.1:${run.webPort}`;
    const databaseUrl = `postgresql://postgres:scrollintel@127.0.0.1:${run.postgresPort}/scrollintel`;
    const db = createDb(databaseUrl);
    const acme = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const user = await db.user.findUniqueOrThrow({ where: { email: "analyst@acme.test" } });
    const p: Product = {
      dataDir,
      baseUrl,
      databaseUrl,
      db,
      storage: new LocalStorage(path.join(dataDir, "storage")),
      analyst: {
        tenantId: acme.id,
        role: "ANALYST",
        actor: { type: "USER", id: user.id },
        suspended: false,
        scopes: null,
      },
      cookie: await signInCookie(baseUrl, "analyst@acme.test"),
      log,
    };
    const a = await killWorkerMidIngest(p, csv);
    log(
      `(a) ingest ${a.status} ${a.error ?? ""}: picked up after ${round(a.pickupS)} s, done after ${round(a.doneS)} s`,
    );
    await waitForServices(dataDir, 120_000);
    const c = await runCrashQuery(p);
    await waitForServices(dataDir, 120_000);
    const b = await killPostmaster(p);
    log(`(b) recovered: ${b.recovered} after ${round(b.seconds)} s`);
    await db.$disconnect();
    process.stdout.write(
      `${JSON.stringify({
        worker_kill_pickup_s: round(a.pickupS),
        pg_restart_recovered: b.recovered,
        crash_query_survived: c.survived,
        worker_kill_done_s: round(a.doneS),
        pg_restart_recovered_s: round(b.seconds),
      })}\n`,
    );
  } finally {
    script.proc.kill("SIGTERM");
    await script.exited;
    if (args.keep) log(`kept ${dir} (start.log has the product's output)`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
