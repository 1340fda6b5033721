import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { EngineOptions } from "./engine-protocol";

const ENTRY = fileURLToPath(new URL("./engine-child.ts", import.meta.url));

/**
 * Node flags for the engine process. The worker runs from TypeScript source
 * under tsx (`pnpm start`, `pnpm dev`, the e2e servers), whose loader is in
 * process.execArgv and is passed on; under another host (vitest) tsx's
 * loader is added, resolved from here. Debugger flags are not passed on (the
 * port would clash).
 */
export function engineExecArgv(own: string[] = process.execArgv): string[] {
  const kept = own.filter((a) => !a.startsWith("--inspect"));
  if (kept.some((a) => /[\\/]tsx[\\/]|^tsx$/.test(a))) return kept;
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return [...kept, "--import", loader];
}

/** Starts one engine process with an IPC channel that carries BigInts. */
export function forkEngine(opts: EngineOptions): ChildProcess {
  return fork(ENTRY, [JSON.stringify(opts)], {
    execArgv: engineExecArgv(),
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}
