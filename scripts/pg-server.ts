// One embedded postmaster, started through pg-watchdog.mjs (which stops it if
// this process dies), up when it accepts connections on its own data directory.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { formatError } from "./format-error";
import type { RunAs } from "./pg-run-as";

export interface PgExit {
  code: number | null;
  signal: string | null;
}

export interface PgServerOptions {
  bin: string;
  dataDir: string;
  port: number;
  password: string;
  flags: string[];
  logFile: string;
  runAs: RunAs | null;
}

const watchdog = path.join(import.meta.dirname, "pg-watchdog.mjs");
const START_TIMEOUT_MS = 120_000; // crash recovery after a kill -9 may replay a lot of WAL

/** The last lines the server wrote to its log since byte `from`. */
export function readLogTail(logFile: string, from = 0, lines = 12): string {
  try {
    const buf = fs.readFileSync(logFile);
    const text = buf.subarray(Math.max(from, buf.length - 16_384)).toString("utf8");
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export class PgServer {
  private child: ChildProcess | null = null;
  private exit: Promise<PgExit> = Promise.resolve({ code: null, signal: null });
  pid: number | undefined;

  constructor(private readonly o: PgServerOptions) {}

  /** The running server's exit (resolved at once when none runs). */
  exited(): Promise<PgExit> {
    return this.exit;
  }

  async start(): Promise<void> {
    const logStart = fs.existsSync(this.o.logFile) ? fs.statSync(this.o.logFile).size : 0;
    const ids = this.o.runAs ? [String(this.o.runAs.uid), String(this.o.runAs.gid)] : ["-", "-"];
    const args = [watchdog, this.o.logFile, ...ids, this.o.bin, "-D", this.o.dataDir, "-p", String(this.o.port)];
    // Detached: Ctrl+C in the terminal reaches the start script only, which stops the server last.
    const child = spawn(process.execPath, [...args, ...this.o.flags], {
      stdio: ["pipe", "pipe", "inherit"],
      detached: true,
    });
    this.child = child;
    // The server is stopped by stop() or, when this process exits without it, by the watchdog:
    // neither the child nor its pipes keep this process alive.
    child.unref();
    for (const s of [child.stdin, child.stdout]) (s as unknown as { unref(): void }).unref();
    this.pid = undefined;
    let exitInfo: PgExit | null = null;
    this.exit = new Promise((resolve) => {
      readline.createInterface({ input: child.stdout! }).on("line", (line) => {
        const [what, a, b] = line.split(" ");
        if (what === "pid") this.pid = Number(a);
        if (what === "exit") exitInfo = { code: a === "-" ? null : Number(a), signal: b === "-" ? null : b! };
      });
      // "close", not "exit": the watchdog's last stdout line is read by then.
      child.on("close", (code, signal) => resolve(exitInfo ?? { code, signal }));
    });
    try {
      await this.waitUntilReady(child);
    } catch (e) {
      await this.stop();
      const tail = readLogTail(this.o.logFile, logStart);
      throw new Error(
        `PostgreSQL did not start on port ${this.o.port} (data directory ${this.o.dataDir}): ${formatError(e)}` +
          (tail ? `\nLast lines of ${this.o.logFile}:\n${tail}` : ""),
        { cause: e },
      );
    }
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const until = Date.now() + START_TIMEOUT_MS;
    let last: unknown = null;
    let exited: PgExit | null = null;
    void this.exit.then((x) => (exited = x));
    while (Date.now() < until) {
      if (exited || child.exitCode !== null) {
        const x = exited ?? { code: child.exitCode, signal: null };
        throw new Error(`the server exited during start-up (${describeExit(x)})`);
      }
      const c = new pg.Client({
        host: "127.0.0.1",
        port: this.o.port,
        user: "postgres",
        password: this.o.password,
        database: "postgres",
        connectionTimeoutMillis: 2000,
      });
      c.on("error", () => {});
      try {
        await c.connect();
        const r = await c.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
        // Something else may answer on this port (another checkout's server): only ours counts.
        if (path.resolve(r.rows[0]!.dir) !== path.resolve(this.o.dataDir))
          throw new Error(`port ${this.o.port} is answered by another PostgreSQL (data directory ${r.rows[0]!.dir})`);
        return;
      } catch (e) {
        last = e;
        if (String((e as Error).message).startsWith("port ")) throw e;
      } finally {
        await c.end().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`it did not accept connections within ${START_TIMEOUT_MS / 1000} s (${formatError(last)})`);
  }

  /** Fast shutdown through the watchdog; a server that hangs is killed after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // Waiting for it must keep this process alive (start() let go of the handles).
    child.ref();
    (child.stdout as unknown as { ref(): void }).ref();
    child.stdin?.end();
    const done = await Promise.race([
      this.exit.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref()),
    ]);
    if (!done) {
      for (const pid of [this.pid, child.pid])
        try {
          if (pid) process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      await this.exit;
    }
  }
}

export function describeExit(x: PgExit): string {
  return x.signal ? `signal ${x.signal}` : `exit code ${x.code}`;
}
