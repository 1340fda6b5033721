import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirBusyError, LOCK_FILE, lockDataDir } from "./data-dir-lock";
import { readProcessStartTime } from "./process-alive";

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "si-lock-"));
  dirs.push(d);
  return d;
}
function writeLock(dir: string, owner: object) {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), ...owner }));
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("DATA_DIR lock", () => {
  it("refuses a second owner while the first lives, with a sentence naming it", async () => {
    const dir = tempDir();
    const other = spawn("sleep", ["30"]);
    await new Promise((r) => other.once("spawn", r));
    try {
      writeLock(dir, { pid: other.pid, startTime: readProcessStartTime(other.pid!) });
      expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
      expect(() => lockDataDir(dir)).toThrow(
        `Another ScrollIntel (pid ${other.pid}) is already running with DATA_DIR ${dir}. Stop it first`,
      );
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("takes over the lock of a dead owner, and of a reused pid", async () => {
    const dir = tempDir();
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    writeLock(dir, { pid: dead.pid, startTime: "1" });
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    // pid 1 lives, but it is not the process that wrote this lock (another start time).
    writeLock(dir, { pid: 1, startTime: "123456789" });
    lockDataDir(dir).release();
  });
});
