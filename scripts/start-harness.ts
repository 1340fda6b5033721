// Runs the real start script (`pnpm start`'s own process) for the supervision
// tests and `pnpm bench:recovery`, and reads what it runs from DATA_DIR/run.json.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { isProcessAlive } from "./process-alive";
import { readRunFile, type RunInfo } from "./run-file";

const root = path.resolve(import.meta.dirname, "..");

export interface StartedScript {
  proc: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `node --import tsx scripts/start.ts --no-build` with `env` (nothing inherited but PATH/HOME). */
export function launchStartScript(env: Record<string, string | undefined>): StartedScript {
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--no-build"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return { proc, output: () => out, exited };
}

export async function waitUntil<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | null | false> | T | null | false,
) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return r.ok;
  } catch {
    return false;
  }
}

/** run.json once web and worker both run (pids other than `not`, when given) and answer. */
export function waitForServices(
  dataDir: string,
  ms: number,
  not: { web?: number; worker?: number } = {},
): Promise<RunInfo> {
  return waitUntil("web and worker to answer", ms, async () => {
    const run = readRunFile(dataDir);
    const { web, worker } = run?.pids ?? {};
    if (!run || !web || !worker || web === not.web || worker === not.worker) return null;
    if (!isProcessAlive(web) || !isProcessAlive(worker)) return null;
    const up =
      (await answers(`http://127.0.0.1:${run.webPort}/api/health`)) &&
      (await answers(`http://127.0.0.1:${run.workerHealthPort}/health`));
    return up ? run : null;
  });
}
