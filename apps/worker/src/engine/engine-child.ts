// The query engine process: owns this worker's sealed DuckDB instances of one
// tenant and runs its queries, so a native abort in DuckDB ends this process
// and the queries in it, not the worker (engine-pool.ts supervises it).
import path from "node:path";
import { SpareDuck } from "../duck/spare-duck";
import { TenantSessions } from "../duck/tenant-sessions";
import type { EngineOptions, FromEngine, ToEngine } from "./engine-protocol";
import { runEngineQuery } from "./run-query";
import { Stopper } from "./stopper";

const opts = JSON.parse(process.argv[2] ?? "{}") as EngineOptions;
const spare = new SpareDuck({
  memoryLimit: opts.spareMemoryLimit,
  threads: opts.threads,
  tempDir: path.join(opts.workDir, `spare-spill-${process.pid}`),
});
spare.warm();
const sessions = new TenantSessions({
  workDir: opts.workDir,
  threads: opts.threads,
  idleMs: opts.sessionIdleMs,
  maxInstances: opts.maxInstances,
  spare,
});
const stoppers = new Map<string, Stopper>();

function send(m: FromEngine): void {
  process.send?.(m);
}

process.on("message", (m: ToEngine) => {
  if (m.type === "stop") {
    stoppers.get(m.runId)?.stop(m.why);
    return;
  }
  // Registered before anything awaits, so a stop sent right after the run finds it.
  const stopper = new Stopper(m.query.timeoutMs);
  stoppers.set(m.query.runId, stopper);
  void runEngineQuery(sessions, m.query, stopper, { unlisted: opts.unlisted })
    .catch((e: unknown) => ({
      ok: false as const,
      status: "FAILED" as const,
      error: e instanceof Error ? e.message.split("\n")[0]! : String(e),
      scanBytes: 0n,
      freshSession: false,
    }))
    .then((answer) => {
      stoppers.delete(m.query.runId);
      send({ type: "done", runId: m.query.runId, answer });
    });
});

// The worker went away (exited, killed): an engine without its supervisor has nothing to do.
process.on("disconnect", () => process.exit(0));
// Ctrl+C reaches the whole process group; the worker finishes its jobs and then lets its engines go.
process.on("SIGINT", () => undefined);
send({ type: "ready" });
