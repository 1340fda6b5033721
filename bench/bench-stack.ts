// The product as the upload benchmark needs it: a scratch database (the
// machine's PostgreSQL when DATABASE_URL/TEST_DATABASE_URL is set, else an
// embedded one), migrated and seeded, and the built web app on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDb } from "@scrollintel/core/db/client";
import { migrateDeploy } from "../prisma/migrate";
import { seedDemo } from "../prisma/seed";
import { startEmbeddedPostgres, type EmbeddedDb } from "../scripts/embedded-postgres";
import { freePort } from "../scripts/free-port";
import { buildWeb, nextStartArgs, WEB_PROCESS_ENV } from "../scripts/product-servers";

const root = path.resolve(import.meta.dirname, "..");
const web = path.join(root, "apps/web");

export interface BenchStack {
  baseUrl: string;
  /** The scratch database the web app runs on (for a worker or direct checks). */
  databaseUrl: string;
  dataDir: string;
  serverPid: number;
  stop(): Promise<void>;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitForHealth(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error("web server exited during start-up (see the server log)");
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`web server did not answer ${url}`);
}

export async function startBenchStack(opts: { dir: string; quotaBytes: bigint; env?: Record<string, string> }) {
  let embedded: EmbeddedDb | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dir: path.join(opts.dir, "pg"), persistent: false, throwaway: true });
    adminUrl = embedded.adminUrl;
  }
  const dbName = `si_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const databaseUrl = withDb(adminUrl, dbName);
  await migrateDeploy(databaseUrl);
  const db = createDb(databaseUrl);
  await seedDemo(db, { storageBytes: opts.quotaBytes, maxFileBytes: opts.quotaBytes });
  await db.$disconnect();

  buildWeb();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(opts.dir, "server.log"), "w");
  const proc = spawn(path.join(web, "node_modules/.bin/next"), nextStartArgs(port, "127.0.0.1"), {
    cwd: web,
    env: {
      ...process.env,
      ...WEB_PROCESS_ENV,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: path.join(opts.dir, "data"),
      NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret",
      NEXTAUTH_URL: baseUrl,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      ...opts.env,
    },
    stdio: ["ignore", log, log],
  });
  await waitForHealth(`${baseUrl}/api/health`, proc);
  return {
    baseUrl,
    databaseUrl,
    dataDir: path.join(opts.dir, "data"),
    serverPid: proc.pid!,
    async stop() {
      proc.kill("SIGTERM");
      if (proc.exitCode === null) await new Promise((r) => proc.once("exit", r));
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
      await embedded?.stop();
    },
  } satisfies BenchStack;
}
