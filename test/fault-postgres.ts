import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";

const root = path.resolve(import.meta.dirname, "..");

export interface FaultPostgres {
  /** The migrated application database. */
  url: string;
  /** SIGKILL of the postmaster: what a crashed or OOM-killed database server looks like. */
  kill(): Promise<void>;
  /** Starts the server again on the same directory and port. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory, whatever state it is in. */
  destroy(): Promise<void>;
}

function postmasterPid(dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startChild(
  dir: string,
  port: number,
  create?: string,
): Promise<{ child: ChildProcess; adminUrl: string }> {
  const args = [
    "--import",
    "tsx",
    "test/postgres-child.ts",
    dir,
    String(port),
    ...(create ? ["--create", create] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const adminUrl = await new Promise<string>((resolve, reject) => {
    // Never leave a server behind that the test cannot reach to stop.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("embedded PostgreSQL did not start within 120 s"));
    }, 120_000);
    child.once("exit", () => clearTimeout(timer));
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { adminUrl: string }).adminUrl);
      }
    });
    child.once("exit", (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready`)));
  });
  return { child, adminUrl };
}

/**
 * An embedded PostgreSQL on a free port in a temp directory, with the
 * migrations applied, that a test may kill -9 and start again.
 */
export async function startFaultPostgres(): Promise<FaultPostgres> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-fault-pg-"));
  // Reachable by the `postgres` user the server runs as under root, so the cluster stays
  // inside this directory (a 0700 one would be moved out of it and outlive the test).
  fs.chmodSync(tmp, 0o755);
  const dir = path.join(tmp, "data");
  const port = await freePort();
  const killPostmaster = async () => {
    const pid = postmasterPid(dir);
    if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
    // Its backends notice and exit; the next start needs them gone (shared memory).
    for (let i = 0; i < 100 && pid && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  };
  let current: Awaited<ReturnType<typeof startChild>>;
  try {
    current = await startChild(dir, port, "scrollintel");
  } catch (e) {
    await killPostmaster();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const u = new URL(current.adminUrl);
  u.pathname = "/scrollintel";
  const url = u.toString();

  return {
    url,
    async kill() {
      await killPostmaster();
      current.child.kill("SIGKILL");
    },
    async restart() {
      for (let attempt = 0; ; attempt++) {
        try {
          current = await startChild(dir, port);
          return;
        } catch (e) {
          // Backends of the killed server may hold its shared memory a moment longer.
          if (attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
    async destroy() {
      await killPostmaster();
      current.child.kill("SIGKILL");
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
