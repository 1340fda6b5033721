// A built web app (next start) that a test can kill and start again on the
// same port, for resume-after-restart and several-instances tests. The e2e
// global setup has already built it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../scripts/free-port";
import { nextStartArgs } from "../scripts/product-servers";

const root = path.resolve(import.meta.dirname, "..");
const web = path.join(root, "apps/web");

export interface WebServer {
  baseUrl: string;
  /** The pid of the process serving requests (Next's server may run in a child of `next start`). */
  pid(): number;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Resolves with the exit code once the running process exits (by itself or a signal sent to pid()). */
  exited(): Promise<number | null>;
}

async function waitForHealth(url: string, proc: ChildProcess): Promise<void> {
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`web server exited (${proc.exitCode}) before ${url} answered`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `next start` on a free port with the given environment; `kill` is SIGKILL, like a crash. */
export async function startWebServer(env: Record<string, string>, logFile: string): Promise<WebServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  const log = fs.openSync(logFile, "a");
  const server: WebServer = {
    baseUrl,
    pid: () => proc?.pid ?? 0,
    async start() {
      proc = spawn(path.join(web, "node_modules/.bin/next"), nextStartArgs(port, "127.0.0.1"), {
        cwd: web,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret",
          NEXTAUTH_URL: baseUrl,
          LOG_LEVEL: "warn",
          NEXT_TELEMETRY_DISABLED: "1",
          ...env,
        },
        stdio: ["ignore", log, log],
        detached: true, // its own process group, so kill() takes Next's children too
      });
      await waitForHealth(`${baseUrl}/api/health`, proc);
    },
    exited() {
      const p = proc;
      if (!p) return Promise.resolve(null);
      if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode);
      return new Promise((r) => p.once("exit", (code) => r(code)));
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once("exit", r));
      process.kill(-p.pid!, "SIGKILL");
      await exited;
    },
  };
  await server.start();
  return server;
}
