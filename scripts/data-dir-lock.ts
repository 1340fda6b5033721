// One running ScrollIntel per DATA_DIR: two would share one embedded PostgreSQL
// cluster, one storage tree and one scratch space. The lock is a file holding
// the owner's pid; a lock whose owner is gone (killed with SIGKILL, machine
// restarted) is taken over.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isProcessAlive, readProcessStartTime } from "./process-alive";

export const LOCK_FILE = "scrollintel.lock";

interface LockOwner {
  pid: number;
  startTime: string | null;
  host: string;
}

export class DataDirBusyError extends Error {
  readonly code = "DATA_DIR_BUSY";
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `Another ScrollIntel (pid ${ownerPid}) is already running with DATA_DIR ${dataDir}. ` +
        `Stop it first, or give this one its own directory (e.g. DATA_DIR=./data-2 WEB_PORT=3100 WORKER_HEALTH_PORT=3101 pnpm start).`,
    );
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockOwner>;
    return typeof o.pid === "number" ? { pid: o.pid, startTime: o.startTime ?? null, host: o.host ?? "" } : null;
  } catch {
    return null; // unreadable or half-written: nobody can be proven to own it
  }
}

function isOwnerAlive(o: LockOwner): boolean {
  // A lock from another host (a DATA_DIR on a network share) cannot be checked here: respect it.
  if (o.host && o.host !== os.hostname()) return true;
  return o.pid !== process.pid && isProcessAlive(o.pid, o.startTime);
}

/** Takes DATA_DIR's lock for this process or throws DataDirBusyError naming the owner. */
export function lockDataDir(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, startTime: readProcessStartTime(process.pid), host: os.hostname() };
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file); // atomic: fails if the lock exists
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw e;
      }
      const owner = readOwner(file);
      if (owner && isOwnerAlive(owner)) throw new DataDirBusyError(dataDir, owner.pid);
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return {
    release() {
      if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}
