// Builds the web app, then runs the real product (next start + worker) on a
// fresh database cloned from the migrated template, for browser tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import "./provided-context";
import type { TestProject } from "vitest/node";
import { createDb } from "@scrollintel/core/db/client";
import { seedDemo } from "../prisma/seed";
import { freePort } from "../scripts/free-port";

const root = path.resolve(import.meta.dirname, "..");

async function waitFor(url: string, ms: number, procs: ChildProcess[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (procs.some((p) => p.exitCode !== null)) throw new Error(`a server exited early while waiting for ${url}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}`);
}

export default async function setup(project: TestProject) {
  const web = path.join(root, "apps/web");
  if (process.env.E2E_SKIP_BUILD !== "1" || !fs.existsSync(path.join(web, ".next/BUILD_ID"))) {
    const b = spawnSync(path.join(web, "node_modules/.bin/next"), ["build"], {
      cwd: web,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    if (b.status !== 0) throw new Error("next build failed");
  }
  const adminUrl = process.env.SI_TEST_ADMIN_URL!;
  const template = process.env.SI_TEST_TEMPLATE_DB!;
  const dbName = template.replace("si_tpl_", "si_t_") + "_e2e";
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}" TEMPLATE "${template}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const db = createDb(databaseUrl);
  await seedDemo(db);
  await db.$disconnect();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-e2e-"));
  const [webPort, healthPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${webPort}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret",
    NEXTAUTH_URL: baseUrl,
    WORKER_HEALTH_PORT: String(healthPort),
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const logs = fs.openSync(path.join(root, "test-results-e2e-servers.log"), "w");
  const procs = [
    spawn(path.join(web, "node_modules/.bin/next"), ["start", "-p", String(webPort), "-H", "127.0.0.1"], {
      cwd: web,
      env: { ...env, NODE_ENV: "production" },
      stdio: ["ignore", logs, logs],
    }),
    spawn(path.join(root, "node_modules/.bin/tsx"), ["src/main.ts"], {
      cwd: path.join(root, "apps/worker"),
      env,
      stdio: ["ignore", logs, logs],
    }),
  ];
  await waitFor(`${baseUrl}/api/health`, 60_000, procs);
  await waitFor(`http://127.0.0.1:${healthPort}/health`, 60_000, procs);
  project.provide("baseUrl", baseUrl);
  project.provide("e2eDatabaseUrl", databaseUrl);

  return async () => {
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on("exit", r)))));
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await a.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
