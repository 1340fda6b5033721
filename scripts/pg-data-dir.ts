// Where the embedded cluster's files really live. As root the server runs as
// `postgres`, which must enter the data directory; under a checkout in /root
// (mode 0700) it cannot. The cluster then lives under a root-owned 0755
// directory instead (rootOwnedBase), and `dir` becomes a symlink to it, so
// DATA_DIR still leads to it. Changing the modes of the user's own directories
// (opening /root) is what we avoid.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { canReach, rootOwnedBase, type RunAs } from "./pg-run-as";

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** The real path the server is given (`-D`); makes the directory and hands it to `runAs`. */
export function prepareDataDir(dir: string, runAs: RunAs | null, opts: { temporary: boolean }): string {
  const st = lstatOrNull(dir);
  if (!runAs) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return fs.realpathSync(dir);
  }
  const own = (real: string) => {
    fs.mkdirSync(real, { recursive: true, mode: 0o700 });
    fs.chownSync(real, runAs.uid, runAs.gid);
    fs.chmodSync(real, 0o700);
    return real;
  };
  if (st?.isSymbolicLink()) {
    const target = fs.existsSync(dir) ? fs.realpathSync(dir) : null;
    if (target && canReach(runAs, path.dirname(target))) return own(target);
    fs.rmSync(dir, { force: true }); // dangling: its cluster was removed
  } else if (st?.isDirectory()) {
    if (canReach(runAs, path.dirname(dir))) return own(fs.realpathSync(dir));
    if (fs.readdirSync(dir).length > 0)
      throw new Error(
        `PostgreSQL runs as the \`postgres\` user, which cannot enter ${dir} (one of its parent directories is closed to it, as /root is), ` +
          `and it already holds files. Move that directory to a place the postgres user can enter, or set DATA_DIR to one.`,
      );
    fs.rmdirSync(dir);
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (canReach(runAs, path.dirname(dir))) return own(path.resolve(dir));
  const clusters = path.join(rootOwnedBase(runAs, opts), "clusters");
  fs.mkdirSync(clusters, { recursive: true, mode: 0o755 });
  const real = own(
    path.join(clusters, `${path.basename(path.dirname(path.resolve(dir)))}-${randomBytes(4).toString("hex")}`),
  );
  fs.symlinkSync(real, dir);
  return real;
}
