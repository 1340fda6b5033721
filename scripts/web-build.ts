// `pnpm start` builds the web app on first start and whenever the checked-out
// code changed since the build it has.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const webDir = path.join(root, "apps/web");

/** The checked-out commit (plus a marker when the tree has local edits), so a stale build is rebuilt. */
function sourceRevision(): string | null {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return null;
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "apps", "packages"], { cwd: root, encoding: "utf8" });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? `+${Date.now()}` : ""}`;
}

function readIf(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : null;
}

/** Runs `next build` when there is no build of the current code; says so first. */
export async function ensureWebBuild(opts: { env: NodeJS.ProcessEnv; say: (line: string) => void }): Promise<void> {
  const stamp = path.join(webDir, ".next/scrollintel-build-rev");
  const rev = sourceRevision();
  if (fs.existsSync(path.join(webDir, ".next/BUILD_ID")) && (!rev || readIf(stamp) === rev)) return;
  opts.say("Building the web app (first start, or the code changed) …");
  const nextBin = path.join(webDir, "node_modules/.bin/next");
  await new Promise<void>((resolve, reject) => {
    const b = spawn(nextBin, ["build"], {
      cwd: webDir,
      env: { ...opts.env, NODE_ENV: "production" },
      stdio: "inherit",
    });
    b.on("error", reject);
    b.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`next build exited with ${signal ?? `code ${code}`}`)),
    );
  });
  if (rev) fs.writeFileSync(stamp, rev);
}
