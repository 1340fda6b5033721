// The real product as separate processes (`next start` + the worker) on free
// ports, for the browser tests and the benchmarks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./free-port";

const root = path.resolve(import.meta.dirname, "..");
const web = path.join(root, "apps/web");

/**
 * What the web server's process gets on top of the app's environment. glibc
 * gives every thread that mallocs (V8's compiler and GC helpers, libuv's pool
 * running the crypto of each session check) an arena of its own, which
 * fragments and stays resident; with two, bench:upload's server peaked ~20 MiB
 * lower at the same upload rate. An operator's own setting wins.
 */
export const WEB_PROCESS_ENV = { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2" };

/**
 * `next start`'s own arguments: Node closes a connection idle for 5 s, so a
 * client (or load balancer, whose idle timeout is commonly 60 s) pausing
 * between requests reconnects, or sends on a socket being closed. Kept in
 * step with apps/web's `start` script.
 */
export function nextStartArgs(port: number, host?: string): string[] {
  return ["start", "-p", String(port), ...(host ? ["-H", host] : []), "--keepAliveTimeout", "65000"];
}

/** Runs `next build` unless a build exists (or `force`). */
export function buildWeb(opts: { force?: boolean; quiet?: boolean } = {}): void {
  if (!opts.force && fs.existsSync(path.join(web, ".next/BUILD_ID"))) return;
  const b = spawnSync(path.join(web, "node_modules/.bin/next"), ["build"], {
    cwd: web,
    stdio: opts.quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (b.status !== 0) throw new Error("next build failed");
}

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

/** Starts web and worker against `databaseUrl`, waits until both answer health checks. */
export async function startProductServers(opts: {
  databaseUrl: string;
  dataDir: string;
  logFile: string;
  secret: string;
  /** Extra settings for both web and worker (e.g. STORAGE_ENCRYPTION). */
  env?: Record<string, string>;
}): Promise<{ baseUrl: string; metricsToken: string; stop(): Promise<void> }> {
  const [webPort, healthPort] = [await freePort(), await freePort()];
  // Both processes serve metrics with it, and the web's System page reads the worker's.
  const metricsToken = process.env.METRICS_TOKEN ?? `local-${randomBytes(16).toString("hex")}`;
  const baseUrl = `http://127.0.0.1:${webPort}`;
  const env = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: opts.dataDir,
    NEXTAUTH_SECRET: opts.secret,
    NEXTAUTH_URL: baseUrl,
    WORKER_HEALTH_PORT: String(healthPort),
    METRICS_TOKEN: metricsToken,
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...opts.env,
  };
  const logs = fs.openSync(opts.logFile, "w");
  const procs = [
    spawn(path.join(web, "node_modules/.bin/next"), nextStartArgs(webPort, "127.0.0.1"), {
      cwd: web,
      env: { ...env, ...WEB_PROCESS_ENV, NODE_ENV: "production" },
      stdio: ["ignore", logs, logs],
    }),
    spawn(path.join(root, "node_modules/.bin/tsx"), ["src/main.ts"], {
      cwd: path.join(root, "apps/worker"),
      env,
      stdio: ["ignore", logs, logs],
    }),
  ];
  // SIGTERM, then SIGKILL for whatever has not exited after the grace: a stop never waits without end.
  const stop = async (graceMs = 20_000) => {
    for (const p of procs) p.kill("SIGTERM");
    const late = setTimeout(() => procs.forEach((p) => p.exitCode === null && p.kill("SIGKILL")), graceMs);
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on("exit", r)))));
    clearTimeout(late);
  };
  try {
    await waitFor(`${baseUrl}/api/health`, 60_000, procs);
    await waitFor(`http://127.0.0.1:${healthPort}/health`, 60_000, procs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, metricsToken, stop };
}
