// The baseline: a bare DuckDB COPY of the same CSV to zstd Parquet, with the
// worker's memory and thread settings, in its own process so its peak RSS is
// its own. Prints one JSON line.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { vmHwmMib } from "./server-memory";

const [file, outDir, memoryLimit, threads] = process.argv.slice(2) as [string, string, string, string];
const root = path.resolve(import.meta.dirname, "..");
const { DuckDBInstance } = createRequire(path.join(root, "apps/worker/package.json"))("@duckdb/node-api") as {
  DuckDBInstance: {
    create(
      path: string,
      opts: Record<string, string>,
    ): Promise<{ connect(): Promise<{ run(sql: string): Promise<unknown> }> }>;
  };
};

fs.rmSync(outDir, { recursive: true, force: true });
const inst = await DuckDBInstance.create(":memory:", {
  memory_limit: memoryLimit,
  threads,
  temp_directory: `${outDir}.spill`,
});
const conn = await inst.connect();
const t0 = performance.now();
const c0 = process.cpuUsage();
await conn.run(`COPY (SELECT * FROM read_csv('${file}')) TO '${outDir}' (FORMAT parquet, COMPRESSION zstd)`);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: cpuSeconds, peak_rss_mb: vmHwmMib(process.pid) })}\n`);
fs.rmSync(outDir, { recursive: true, force: true });
