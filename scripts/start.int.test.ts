// `pnpm start` under fault: the real start script, the real web build and the
// worker, killed with SIGKILL the way an OOM killer or an operator would.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../test/test-db";
import { freePort } from "./free-port";
import { isProcessAlive, waitForExit } from "./process-alive";
import { buildWeb } from "./product-servers";
import { readRunFile } from "./run-file";
import { answers, launchStartScript, waitForServices, waitUntil, type StartedScript } from "./start-harness";

let testDb: TestDb;
const dirs: string[] = [];
const scripts: StartedScript[] = [];

async function start(opts: { dataDir?: string; databaseUrl?: string | null } = {}) {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "si-start-"));
  dirs.push(dataDir);
  const s = launchStartScript({
    DATA_DIR: dataDir,
    DATABASE_URL: opts.databaseUrl === null ? undefined : (opts.databaseUrl ?? testDb.url),
    WEB_PORT: String(await freePort()),
    WORKER_HEALTH_PORT: String(await freePort()),
    NEXTAUTH_SECRET: "start-test-secret-start-test-secret",
  });
  scripts.push(s);
  return { s, dataDir };
}

function gone(pids: (number | undefined)[]): boolean {
  return pids.every((p) => p === undefined || !isProcessAlive(p));
}

beforeAll(async () => {
  buildWeb({ force: false, quiet: true }); // one build per run; reused when present (E2E_SKIP_BUILD)
  testDb = await createTestDb();
}, 600_000);

afterAll(async () => {
  for (const s of scripts) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  await new Promise((r) => setTimeout(r, 1500)); // their children notice and stop
  await testDb?.drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("pnpm start supervision", () => {
  it("restarts a killed worker and a killed web server, each without touching the other", async () => {
    const { s, dataDir } = await start();
    const first = await waitForServices(dataDir, 120_000);
    process.kill(first.pids.worker!, "SIGKILL");
    const afterWorker = await waitForServices(dataDir, 60_000, { worker: first.pids.worker });
    expect(afterWorker.pids.web).toBe(first.pids.web); // the web server never stopped
    expect(s.output()).toMatch(new RegExp(`worker \\(pid ${first.pids.worker}\\) exited with signal SIGKILL`));

    process.kill(first.pids.web!, "SIGKILL");
    const afterWeb = await waitForServices(dataDir, 60_000, { web: first.pids.web });
    expect(afterWeb.pids.worker).toBe(afterWorker.pids.worker);
    expect(s.output()).toMatch(new RegExp(`web \\(pid ${first.pids.web}\\) exited with signal SIGKILL`));

    // SIGTERM: everything stops, and the script exits 0.
    s.proc.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(gone([afterWeb.pids.web, afterWeb.pids.worker])).toBe(true);
    expect(await answers(`http://127.0.0.1:${afterWeb.webPort}/api/health`)).toBe(false);
    expect(readRunFile(dataDir)).toBeNull();
  }, 300_000);

  it("refuses a second start on the same DATA_DIR, and its children do not outlive a SIGKILLed start script", async () => {
    const { s, dataDir } = await start();
    const run = await waitForServices(dataDir, 120_000);
    const second = await start({ dataDir });
    expect(await second.s.exited).toBe(1);
    expect(second.s.output()).toContain(
      `Another ScrollIntel (pid ${s.proc.pid}) is already running with DATA_DIR ${dataDir}.`,
    );
    expect(await answers(`http://127.0.0.1:${run.webPort}/api/health`)).toBe(true); // the first one is untouched

    s.proc.kill("SIGKILL");
    await waitUntil("web and worker to stop after their parent was killed", 15_000, () =>
      gone([run.pids.web, run.pids.worker]),
    );
  }, 300_000);
});

describe("pnpm start with its embedded PostgreSQL", () => {
  it("moves off a taken port, remembers the new one, and leaves no server behind a SIGKILL", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-start-pg-"));
    fs.chmodSync(dataDir, 0o755); // the 0700 case is embedded-postgres.int.test.ts's
    const taken = await freePort();
    fs.writeFileSync(path.join(dataDir, "pg.port"), `${taken}\n`);
    const blocker = (await import("node:net")).createServer().listen(taken, "127.0.0.1");
    try {
      const { s } = await start({ dataDir, databaseUrl: null });
      const run = await waitForServices(dataDir, 180_000);
      expect(run.postgresPort).not.toBe(taken);
      expect(fs.readFileSync(path.join(dataDir, "pg.port"), "utf8").trim()).toBe(String(run.postgresPort));
      expect(s.output()).toContain(`(port ${taken} is taken now)`);

      // The postmaster goes with its start script, as web and worker do.
      const postmaster = run.pids.postgres!;
      s.proc.kill("SIGKILL");
      expect(await waitForExit(postmaster, 15_000)).toBe(true);
      await waitUntil("web and worker to stop", 15_000, () => gone([run.pids.web, run.pids.worker]));
    } finally {
      blocker.close();
    }
    // The next start takes over the stale lock and keeps the remembered port.
    const again = await start({ dataDir, databaseUrl: null });
    const run2 = await waitForServices(dataDir, 180_000);
    expect(run2.postgresPort).toBe(Number(fs.readFileSync(path.join(dataDir, "pg.port"), "utf8")));
    again.s.proc.kill("SIGTERM");
    expect(await again.s.exited).toBe(0);
    expect(gone([run2.pids.postgres, run2.pids.web, run2.pids.worker])).toBe(true);
  }, 420_000);
});
