// A postmaster left running on our data directory by a run that was killed
// with SIGKILL together with its watchdog. Found through the postmaster.pid
// file PostgreSQL keeps in the data directory.
import fs from "node:fs";
import path from "node:path";
import { isProcessAlive, waitForExit } from "./process-alive";

/** The pid of a live postmaster serving `dataDir`, if any. */
export function findRunningPostmaster(dataDir: string): number | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return null;
  try {
    // A reused pid is not a postmaster: check what the process runs.
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!cmd.includes("postgres")) return null;
  } catch {
    // no /proc (macOS): trust the pid file
  }
  return pid;
}

/** Stops a leftover postmaster: fast shutdown, then immediate, then SIGKILL. */
export async function stopPostmaster(pid: number): Promise<void> {
  for (const [signal, ms] of [
    ["SIGINT", 15_000],
    ["SIGQUIT", 5000],
    ["SIGKILL", 5000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, ms)) return;
  }
  throw new Error(`the PostgreSQL server left running by an earlier start (pid ${pid}) does not stop`);
}
