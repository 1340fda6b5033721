// tsx bench/ingest-stages.ts <file.csv> [memory] [threads]
//
// Where an ingest's time goes, stage by stage, on one CSV: each stage of the
// worker's convert and profile run on its own in one process (wall and CPU
// seconds, DuckDB's threads included), beside a bare DuckDB COPY of the same
// file. For finding what to cut; `pnpm bench:ingest` is the end-to-end figure.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseIngestOptions } from "@scrollintel/core/ingest-options";
import { countParquetRows, countSourceLines } from "../apps/worker/src/duck/account-source";
import { convertToParquet, describeParts } from "../apps/worker/src/duck/convert-to-parquet";
import { inspectSource } from "../apps/worker/src/duck/inspect-source";
import { closeDuck, lit, openDuck } from "../apps/worker/src/duck/open-duck";
import { prepareSource } from "../apps/worker/src/duck/prepare-source";
import { profileColumns } from "../apps/worker/src/duck/profile-columns";
import { buildProjection, csvTypes, type ReadSpec } from "../apps/worker/src/duck/source-sql";
import { readFooterStats } from "../apps/worker/src/duck/profile-footer";
import { hllSql } from "../apps/worker/src/duck/profile-hll";
import { kindOf } from "../apps/worker/src/duck/profile-kind";
import { passSql } from "../apps/worker/src/duck/profile-pass";
import { profileSample } from "../apps/worker/src/duck/profile-sample-stats";
import { ident, type Col } from "../apps/worker/src/duck/source-sql";
import { sha256File } from "../apps/worker/src/source-file";

const [file, memoryLimit = "1GB", threads = "2"] = process.argv.slice(2) as [string, string?, string?];
const work = path.resolve(import.meta.dirname, ".out/stages");
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const say = (s: string) => process.stderr.write(`${s}\n`);
const figures: Record<string, { s: number; cpu: number }> = {};

async function stage<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await f();
  const c = process.cpuUsage(c0);
  const fig = { s: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  figures[name] = fig;
  say(`${name.padEnd(24)} ${fig.s.toFixed(2).padStart(7)} s  ${fig.cpu.toFixed(2).padStart(7)} CPU s`);
  return r;
}

/** The profile's own parts, each on its own (as profile-columns runs them). */
async function profileStages(files: string[], cols: Col[], total: number) {
  const from = `read_parquet([${files.map(lit).join(", ")}])`;
  const footers = await stage("  footers", () => readFooterStats(conn, files, cols));
  const sel = cols.flatMap((c, i) => passSql(c, i, footers.get(c.name)));
  if (sel.length) await stage("  aggregate pass", () => conn.runAndReadAll(`SELECT ${sel.join(", ")} FROM ${from}`));
  for (const c of cols) await stage(`  hll ${c.name}`, () => conn.runAndReadAll(hllSql(ident(c.name), from)));
  const sampled = cols.filter((c) => ["number", "time", "string"].includes(kindOf(c.type)));
  await stage("  sample stats", () => profileSample(conn, files, sampled, total, cols));
}

const duck = await openDuck({ memoryLimit, threads: Number(threads), tempDir: path.join(work, "spill") });
const { conn } = duck;
try {
  await stage("baseline COPY", () =>
    conn.run(
      `COPY (SELECT * FROM read_csv(${lit(file)})) TO ${lit(path.join(work, "base.parquet"))} (FORMAT parquet, COMPRESSION zstd)`,
    ),
  );
  fs.rmSync(path.join(work, "base.parquet"), { force: true });
  const options = parseIngestOptions({});
  const prepared = await stage("detect", () => prepareSource({ file, workDir: work, options }));
  const spec: ReadSpec = { file: prepared.file, format: "csv", compression: prepared.compression, options };
  const inspection = await stage("inspect", () => inspectSource(conn, spec, prepared.detected.head ?? ""));
  spec.types = csvTypes(options, inspection.columns);
  const projection = buildProjection(spec, inspection.columns);
  const converted = await stage("convert COPY", () => convertToParquet(conn, projection.sql, path.join(work, "out")));
  // As the worker runs it for a CSV read as uploaded: one read for the lines and the SHA-256.
  await stage("lines + sha256 (Node)", () =>
    countSourceLines(
      file,
      "none",
      inspection.dialect?.newLine ?? "\\n",
      new AbortController().signal,
      createHash("sha256"),
    ),
  );
  await stage("sha256 alone (Node)", () => sha256File(file));
  await stage("count parquet rows", () => countParquetRows(conn, converted.files));
  const described = await stage("describe parts", () => describeParts(conn, converted.files, 50));
  await stage("profile", () => profileColumns(conn, converted.files, described.columns, Number(described.rowCount)));
  await profileStages(converted.files, described.columns, Number(described.rowCount));
  say(`parquet ${(fs.statSync(converted.files[0]!).size / 1e6).toFixed(0)} MB, load ${os.loadavg()[0]!.toFixed(1)}`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  closeDuck(duck);
  fs.rmSync(work, { recursive: true, force: true });
}
