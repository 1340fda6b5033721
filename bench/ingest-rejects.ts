// `pnpm bench:rejects [--lines N] [--memory 256MB]`: a CSV whose every
// other line has a bad number, read under "skip" three ways (the worker's
// convertSource, DuckDB's store_rejects as ingest used to, bare
// ignore_errors), each in its own process; prints seconds and peak RSS.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { HALF_BAD_LEAD, writeHalfBadCsv } from "./ingest-rejects-csv";

const { values } = parseArgs({
  options: { lines: { type: "string", default: "2000000" }, memory: { type: "string", default: "256MB" } },
});
const lines = Number(values.lines);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rejects-"));
const file = path.join(dir, "half-bad.csv");

await writeHalfBadCsv(file, lines);
process.stdout.write(
  `${JSON.stringify({ lines: HALF_BAD_LEAD + lines, bad: lines / 2, bytes: fs.statSync(file).size })}\n`,
);
const child = path.join(import.meta.dirname, "ingest-rejects-child.ts");
for (const mode of ["worker", "ignore_errors", "store_rejects"]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", child, mode, file, path.join(dir, mode), values.memory!], {
    encoding: "utf8",
  });
  process.stdout.write(r.stdout || `${mode}: failed\n${r.stderr}\n`);
}
fs.rmSync(dir, { recursive: true, force: true });
