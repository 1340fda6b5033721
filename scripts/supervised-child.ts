// A web or worker process as the supervisor runs it: in its own process group
// (so Ctrl+C reaches only the start script, which stops things in order, and a
// stop reaches whatever the process itself started), with exit-with-parent.cjs
// preloaded so it does not outlive a start script killed with SIGKILL.
import { spawn } from "node:child_process";
import path from "node:path";
import type { ExitInfo, Running } from "./supervisor";

const guard = path.join(import.meta.dirname, "exit-with-parent.cjs");

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Runs `node <args>` in `cwd`, with exit-with-parent.cjs preloaded. */
export function startNodeChild(opts: { args: string[]; cwd: string; env: NodeJS.ProcessEnv }): Promise<Running> {
  // Through NODE_OPTIONS, so node processes it starts in turn (next dev's server, tsx watch's
  // worker, query engines) also stop when their own parent goes.
  const nodeOptions = `${opts.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(guard)}`.trim();
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { ...opts.env, NODE_OPTIONS: nodeOptions },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const exited = new Promise<ExitInfo>((resolve) =>
    child.on("exit", (code, signal) => {
      // Anything it started and left behind (its group outlives it) goes with it.
      signalGroup(child.pid, "SIGKILL");
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("spawn", () =>
      resolve({
        pid: child.pid,
        exited,
        async stop(graceMs) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          signalGroup(child.pid, "SIGTERM");
          const t = setTimeout(() => signalGroup(child.pid, "SIGKILL"), graceMs);
          await exited;
          clearTimeout(t);
        },
      }),
    );
  });
}
