// One read of a CSV with many bad lines under "skip", in its own process so
// its peak RSS is its own. Modes: "worker" runs the worker's convertSource
// (ignore_errors, rejects = read − stored, windowed example pass);
// "store_rejects" is the former way (DuckDB records every skipped line);
// "ignore_errors" is a bare DuckDB read that skips uncounted. Prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import { parseIngestOptions } from "@scrollintel/core/ingest-options";
import { convertSource } from "../apps/worker/src/duck/convert-source";
import { closeDuck, openDuck } from "../apps/worker/src/duck/open-duck";
import { vmHwmMib } from "./server-memory";

const [mode, file, workDir, memoryLimit] = process.argv.slice(2) as [string, string, string, string];
fs.rmSync(workDir, { recursive: true, force: true });
fs.mkdirSync(workDir, { recursive: true });
const duck = await openDuck({ memoryLimit, threads: 2, tempDir: path.join(workDir, "spill") });
const t0 = performance.now();
const out = path.join(workDir, "out.parquet");
let figures: Record<string, unknown> = {};
if (mode === "worker") {
  const c = await convertSource({
    conn: duck.conn,
    file,
    workDir,
    options: parseIngestOptions({ badRows: "skip" }),
    onInspected: async () => {},
    onProgress: () => {},
  });
  const a = c.accounting;
  figures = { read: Number(a.read), stored: Number(a.stored), rejected: Number(a.rejected), listed: c.rejects.length };
} else {
  const read =
    mode === "store_rejects"
      ? `read_csv('${file}', store_rejects = true, rejects_limit = 0)`
      : `read_csv('${file}', ignore_errors = true)`;
  await duck.conn.run(`COPY (SELECT * FROM ${read}) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ mode, seconds, peak_rss_mb: Math.round(vmHwmMib(process.pid)), ...figures })}\n`,
);
closeDuck(duck);
fs.rmSync(workDir, { recursive: true, force: true });
