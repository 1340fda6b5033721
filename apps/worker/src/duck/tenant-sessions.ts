import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { closeDuck, type Duck, type DuckLimits } from "./open-duck";
import { lockDownSession, type SandboxDataset } from "./sandbox";
import { takeDuck, type SpareDuck } from "./spare-duck";

/** What a sandbox is made of; two queries with equal keys may share one locked-down instance. */
export interface SessionSpec {
  tenantId: string;
  /** Digest of the dataset versions the views point at (core/query-cache-key datasetsFingerprint). */
  fingerprint: string;
  /** The reader's access digest (core/access): readers with other masks, filters or datasets get other instances. */
  policy: string;
  memoryLimitMb: number;
  /** The plan's cap on temporary spill (DuckDB max_temp_directory_size). */
  spillBytesLimit: bigint;
  datasets: SandboxDataset[];
}

/**
 * A tenant's result directory: the only place besides its datasets its
 * sandboxes may write. Shared by the tenant's instances and kept when one
 * closes, so a result outlives the instance that wrote it until it is stored.
 */
export function tenantResultDir(workDir: string, tenantId: string): string {
  return path.join(workDir, "tenants", tenantId, "results");
}

interface Entry {
  id: number;
  key: string;
  tenantId: string;
  policy: string;
  dir: string;
  duck: Promise<Duck>;
  active: number;
  lastUsed: number;
  retired: boolean;
}

export interface SessionLease {
  conn: DuckDBConnection;
  /** The tenant's result directory: the only place besides its datasets this sandbox may touch. */
  resultDir: string;
  /** True when this query's instance was opened for it (not warm). */
  fresh: boolean;
  /** Closes the query's connection; `broken` retires the instance (after a fatal DuckDB error). */
  release(broken?: boolean): void;
}

/**
 * Locked-down DuckDB instances per tenant, so consecutive queries of a tenant
 * find the Parquet metadata and file cache warm. Each query gets its own
 * connection on an instance that was sealed before any user SQL: views of that
 * tenant's datasets at one set of versions, file access limited to those files
 * and the tenant's result directory, external access off, configuration
 * locked, the plan's memory limit. Only single SELECTs ever run on it, so one
 * query leaves nothing behind for the next. A new dataset version, plan or
 * policy makes a new instance; idle ones close after `idleMs` (0: after every
 * query, i.e. a fresh instance per query).
 */
export class TenantSessions {
  private readonly entries = new Map<number, Entry>();
  private seq = 0;
  private sweeper: NodeJS.Timeout | null = null;
  /** Instances opened so far (for tests). */
  opened = 0;

  constructor(
    private readonly opts: {
      workDir: string;
      threads: number;
      idleMs: number;
      maxInstances: number;
      spare?: SpareDuck;
    },
  ) {}

  async acquire(spec: SessionSpec): Promise<SessionLease> {
    const key = JSON.stringify([
      spec.tenantId,
      spec.fingerprint,
      spec.policy,
      spec.memoryLimitMb,
      String(spec.spillBytesLimit),
    ]);
    const found = [...this.entries.values()].find((e) => e.key === key && !e.retired);
    const entry = found ?? this.open(key, spec);
    const fresh = !found;
    entry.active++;
    let duck: Duck;
    try {
      duck = await entry.duck;
    } catch (e) {
      entry.active--;
      this.retire(entry);
      throw e;
    }
    const conn = await duck.instance.connect();
    const e = entry;
    let released = false;
    return {
      conn,
      resultDir: tenantResultDir(this.opts.workDir, e.tenantId),
      fresh,
      release: (broken = false) => {
        if (released) return;
        released = true;
        conn.closeSync();
        e.active--;
        e.lastUsed = Date.now();
        if (broken) e.retired = true;
        this.sweep();
      },
    };
  }

  private open(key: string, spec: SessionSpec): Entry {
    // An older instance of this tenant for the same access (other versions or limits) is not handed out again;
    // instances of readers with another access are kept (idle ones close as usual).
    for (const e of this.entries.values()) {
      if (e.tenantId === spec.tenantId && e.policy === spec.policy) e.retired = true;
    }
    const id = ++this.seq;
    // The pid keeps instances of two engine processes (one dead, one new) apart.
    const dir = path.join(this.opts.workDir, "tenants", spec.tenantId, `session-${process.pid}-${id}`);
    const resultDir = tenantResultDir(this.opts.workDir, spec.tenantId);
    const limits: DuckLimits = {
      memoryLimit: `${spec.memoryLimitMb}MiB`, // the plan is in MiB, like every size the UI shows
      threads: this.opts.threads,
      tempDir: path.join(dir, "spill"),
    };
    const duck = (async () => {
      fs.mkdirSync(resultDir, { recursive: true });
      const d = await takeDuck(this.opts.spare, limits);
      try {
        await lockDownSession(d.conn, {
          datasets: spec.datasets,
          resultDir,
          spillBytesLimit: spec.spillBytesLimit,
        });
      } catch (e) {
        closeDuck(d);
        throw e;
      }
      this.opened++;
      return d;
    })();
    duck.catch(() => undefined); // the first acquire sees the error
    const entry: Entry = {
      id,
      key,
      tenantId: spec.tenantId,
      policy: spec.policy,
      dir,
      duck,
      active: 0,
      lastUsed: Date.now(),
      retired: false,
    };
    this.entries.set(id, entry);
    return entry;
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    this.sweep();
  }

  /** Closes instances nobody uses that are retired, idle too long, or over the limit (oldest first). */
  private sweep(): void {
    const now = Date.now();
    const idle = [...this.entries.values()].filter((e) => e.active === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    let over = this.entries.size - this.opts.maxInstances;
    for (const e of idle) {
      if (e.retired || now - e.lastUsed >= this.opts.idleMs || over > 0) {
        over--;
        this.close(e);
      }
    }
    if (!this.sweeper && this.entries.size > 0 && this.opts.idleMs > 0) {
      this.sweeper = setTimeout(() => {
        this.sweeper = null;
        this.sweep();
      }, this.opts.idleMs);
      this.sweeper.unref();
    }
  }

  private close(e: Entry): void {
    this.entries.delete(e.id);
    e.duck.then(
      (d) => {
        closeDuck(d);
        fs.rmSync(e.dir, { recursive: true, force: true });
      },
      () => fs.rmSync(e.dir, { recursive: true, force: true }),
    );
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearTimeout(this.sweeper);
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) this.close(e);
    await Promise.allSettled(all.map((e) => e.duck));
  }
}
