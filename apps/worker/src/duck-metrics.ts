import fs from "node:fs";
import path from "node:path";
import { Gauge, type Registry } from "prom-client";

const PAGE = 4096;

/** Resident bytes of a process from /proc (Linux); 0 where there is none. */
function rssOf(pid: number): number {
  try {
    const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return Number.isFinite(pages) ? pages * PAGE : 0;
  } catch {
    return 0;
  }
}

/** Bytes of the files under `dir` (a spill directory holds a few large files). */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    try {
      n += fs.statSync(path.join(e.parentPath, e.name)).size;
    } catch {
      // removed while we looked
    }
  }
  return n;
}

/** DuckDB's spill: ingests' `spill` directories, engines' `spare-spill-*` and per-session directories. */
export function spillBytes(workDir: string): number {
  let n = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(workDir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(workDir, e.name);
    try {
      if (e.name.startsWith("ingest-"))
        n += fs.existsSync(path.join(dir, "spill")) ? bytesUnder(path.join(dir, "spill")) : 0;
      else if (e.name.includes("spill") || e.name.startsWith("session-")) n += bytesUnder(dir);
    } catch {
      // a directory removed while we looked
    }
  }
  return n;
}

/** DuckDB memory (resident bytes of the query engine processes and of this process, where ingest runs) and spill. */
export function registerDuckMetrics(registry: Registry, opts: { workDir: string; enginePids: () => number[] }): void {
  new Gauge({
    name: "scrollintel_duckdb_memory_bytes",
    help: "Resident memory of DuckDB: the query engine processes (engines) and the worker process that runs ingests (worker)",
    labelNames: ["process"] as const,
    registers: [registry],
    collect() {
      this.set(
        { process: "engines" },
        opts.enginePids().reduce((s, pid) => s + rssOf(pid), 0),
      );
      this.set({ process: "worker" }, process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "scrollintel_duckdb_spill_bytes",
    help: "Bytes DuckDB has spilled to its temporary directories right now",
    registers: [registry],
    collect() {
      this.set(spillBytes(opts.workDir));
    },
  });
  new Gauge({
    name: "scrollintel_duckdb_engines",
    help: "Query engine processes running (tenants' and the spare)",
    registers: [registry],
    collect() {
      this.set(opts.enginePids().length);
    },
  });
}

/** Free and total bytes of the file system holding DATA_DIR (scratch, spill, the Parquet cache). */
export function registerDiskMetrics(registry: Registry, dataDir: string): void {
  new Gauge({
    name: "scrollintel_data_dir_bytes",
    help: "The file system of DATA_DIR: free (available to this process) and size, in bytes",
    labelNames: ["kind"] as const,
    registers: [registry],
    collect() {
      try {
        const s = fs.statfsSync(dataDir);
        this.set({ kind: "free" }, s.bavail * s.bsize);
        this.set({ kind: "size" }, s.blocks * s.bsize);
      } catch {
        this.reset();
      }
    },
  });
}
