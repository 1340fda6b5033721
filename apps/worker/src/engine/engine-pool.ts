import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "@scrollintel/core/logger";
import {
  ENGINE_STOPPED,
  type EngineAnswer,
  type EngineOptions,
  type EngineQuery,
  type FromEngine,
} from "./engine-protocol";
import { forkEngine } from "./fork-engine";
import type { Stop } from "./stopper";

/** Past the plan's time limit, an engine that has not answered is killed after this much more. */
const HARD_KILL_GRACE_MS = 30_000;

interface Pending {
  resolve(a: EngineAnswer): void;
  hardKill: NodeJS.Timeout;
  timeoutMs: number;
  killedForTime: boolean;
}

interface Engine {
  proc: ChildProcess;
  /** Null while the engine is the spare, not yet any tenant's. */
  tenantId: string | null;
  ready: Promise<void>;
  pending: Map<string, Pending>;
  lastUsed: number;
  idle: NodeJS.Timeout | null;
}

/**
 * Supervises the engine processes that run user SQL: one per tenant with
 * queries in flight or recently run, so a tenant's sealed DuckDB instances
 * stay warm between its queries. An engine that dies (a native abort, the
 * kernel's OOM killer, a kill) ends only the queries running in it, with
 * ENGINE_STOPPED; the tenant's next query starts a new one. Idle engines exit
 * after `idleMs`; past `maxEngines` the least recently used idle one goes.
 */
export class EnginePool {
  private readonly engines = new Map<string, Engine>();
  /** The engine each open run is in (also one no longer taking new queries). */
  private readonly runs = new Map<string, Engine>();
  /** One engine started ahead of the next tenant that needs one (a process start takes a second or more). */
  private spare: Engine | null = null;
  private keepSpare = false;
  private closed = false;
  /** Sealed instances opened so far over all engines (for tests). */
  opened = 0;

  constructor(private readonly opts: EngineOptions & { idleMs: number; maxEngines: number; log?: Logger }) {}

  /** Where a run's result Parquet is written (inside the tenant's sandbox result directory). */
  resultPathFor(tenantId: string, runId: string): string {
    return path.join(this.opts.workDir, "tenants", tenantId, "results", `${runId}.parquet`);
  }

  /** Runs one query in the tenant's engine; never rejects: a dead engine answers ENGINE_STOPPED. */
  async run(q: EngineQuery): Promise<EngineAnswer> {
    const engine = this.engineFor(q.session.tenantId);
    const answer = new Promise<EngineAnswer>((resolve) => {
      const p: Pending = {
        resolve,
        timeoutMs: q.timeoutMs,
        killedForTime: false,
        // The engine interrupts at the time limit itself; this is for one stuck in native code.
        hardKill: setTimeout(() => {
          p.killedForTime = true;
          engine.proc.kill("SIGKILL");
        }, q.timeoutMs + HARD_KILL_GRACE_MS),
      };
      engine.pending.set(q.runId, p);
      this.runs.set(q.runId, engine);
    });
    if (engine.idle) clearTimeout(engine.idle);
    engine.idle = null;
    await engine.ready.catch(() => undefined);
    if (engine.proc.connected) engine.proc.send({ type: "run", query: q });
    const a = await answer;
    if (a.freshSession) this.opened++;
    return a;
  }

  /** Interrupts a run (cancel); a no-op when it is not running here. */
  stop(runId: string, why: Stop): void {
    const engine = this.runs.get(runId);
    if (engine?.pending.has(runId) && engine.proc.connected) engine.proc.send({ type: "stop", runId, why });
  }

  /** The process id of the tenant's engine, if one runs (for tests and logs). */
  pidOf(tenantId: string): number | undefined {
    return this.engines.get(tenantId)?.proc.pid;
  }

  /** The process ids of every engine (tenants' and the spare), for the memory gauge. */
  pids(): number[] {
    const all = [...this.engines.values(), ...(this.spare ? [this.spare] : [])];
    return all.flatMap((e) => (e.proc.pid && e.proc.connected ? [e.proc.pid] : []));
  }

  /** Keeps a spare engine started from now on, so a tenant's first query does not wait for a process start. */
  warm(): void {
    this.keepSpare = true;
    if (!this.spare && !this.closed) this.spare = this.startEngine();
  }

  private engineFor(tenantId: string): Engine {
    const found = this.engines.get(tenantId);
    if (found && found.proc.connected) return found;
    this.evictIdle();
    const spare = this.spare?.proc.connected ? this.spare : null;
    this.spare = null;
    const engine = spare ?? this.startEngine();
    engine.tenantId = tenantId;
    this.engines.set(tenantId, engine);
    if (this.keepSpare) this.warm();
    return engine;
  }

  private startEngine(): Engine {
    const proc = forkEngine(this.opts);
    const engine: Engine = {
      proc,
      tenantId: null,
      pending: new Map(),
      lastUsed: Date.now(),
      idle: null,
      ready: Promise.resolve(),
    };
    engine.ready = new Promise<void>((resolve, reject) => {
      proc.once("exit", () => reject(new Error("engine exited before it was ready")));
      proc.on("message", (m: FromEngine) => {
        if (m.type === "ready") resolve();
        else this.answer(engine, m.runId, m.answer);
      });
    });
    engine.ready.catch(() => undefined);
    proc.on("exit", (code, signal) => this.buryEngine(engine, code, signal));
    proc.on("error", (e) => this.opts.log?.error({ err: e.message, pid: proc.pid }, "query engine process error"));
    return engine;
  }

  private answer(engine: Engine, runId: string, a: EngineAnswer): void {
    const p = engine.pending.get(runId);
    if (!p) return;
    engine.pending.delete(runId);
    this.runs.delete(runId);
    clearTimeout(p.hardKill);
    engine.lastUsed = Date.now();
    p.resolve(a);
    // An engine that saw a fatal error takes no new queries; it goes once its own are done.
    if (!a.ok && a.broken && engine.tenantId !== null && this.engines.get(engine.tenantId) === engine) {
      this.engines.delete(engine.tenantId);
    }
    if (engine.pending.size === 0) {
      if (this.engines.get(engine.tenantId ?? "") !== engine) return this.retire(engine);
      engine.idle = setTimeout(() => this.retire(engine), this.opts.idleMs);
      engine.idle.unref();
    }
  }

  /** Every run still open in a dead engine ends; the next query of the tenant starts a new engine. */
  private buryEngine(engine: Engine, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.spare === engine) this.spare = null;
    fs.rmSync(path.join(this.opts.workDir, `spare-spill-${engine.proc.pid}`), { recursive: true, force: true });
    if (engine.tenantId === null) return;
    if (this.engines.get(engine.tenantId) === engine) this.engines.delete(engine.tenantId);
    if (engine.idle) clearTimeout(engine.idle);
    if (engine.pending.size > 0) {
      this.opts.log?.warn(
        { tenantId: engine.tenantId, pid: engine.proc.pid, code, signal, runs: [...engine.pending.keys()] },
        "query engine stopped with queries running",
      );
    }
    for (const [runId, p] of engine.pending) {
      this.runs.delete(runId);
      clearTimeout(p.hardKill);
      const error = p.killedForTime
        ? `Query stopped after ${p.timeoutMs} ms, the time limit of this workspace's plan.`
        : ENGINE_STOPPED;
      p.resolve({ ok: false, status: "FAILED", error, scanBytes: 0n, freshSession: false });
    }
    engine.pending.clear();
    // Its instances' spill directories; results are the runs' own to remove.
    const tenantDir = path.join(this.opts.workDir, "tenants", engine.tenantId);
    const left = fs.existsSync(tenantDir) ? fs.readdirSync(tenantDir) : [];
    for (const name of left.filter((n) => n.startsWith(`session-${engine.proc.pid}-`))) {
      fs.rmSync(path.join(tenantDir, name), { recursive: true, force: true });
    }
  }

  /** Lets an idle engine go: it exits when its channel closes. */
  private retire(engine: Engine): void {
    if (engine.pending.size > 0) return;
    if (engine.tenantId !== null && this.engines.get(engine.tenantId) === engine) this.engines.delete(engine.tenantId);
    if (engine.proc.connected) engine.proc.disconnect();
  }

  private evictIdle(): void {
    const idle = [...this.engines.values()].filter((e) => e.pending.size === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (let over = this.engines.size - this.opts.maxEngines + 1; over > 0 && idle.length; over--) {
      this.retire(idle.shift()!);
    }
  }

  /** Stops every engine (worker shutdown); runs still open end ENGINE_STOPPED. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.engines.values(), ...(this.spare ? [this.spare] : [])];
    this.engines.clear();
    this.spare = null;
    await Promise.all(
      all.map(
        (e) =>
          new Promise<void>((resolve) => {
            if (e.proc.exitCode !== null || e.proc.signalCode !== null) return resolve();
            e.proc.once("exit", () => resolve());
            if (e.proc.connected) e.proc.disconnect();
            else e.proc.kill("SIGTERM");
          }),
      ),
    );
  }
}
