// Compaction benchmark (a script, not a test): the worker's foldSegments on
// gzip NDJSON segments shaped like bench:stream's (~100-byte records, 50k a
// segment), against bare DuckDB reading the same files into zstd Parquet in one
// COPY. Each run is timed whole (wall and this process's CPU), median of --reps.
// Steady state: the columns are already known, as they are after a stream's
// first compaction. Each rep folds cold (no segment's keys known in the
// process) and then warm (keys known, as when a query read the segments
// first: compaction reads none). Last line JSON:
//   {"records", "fold_rows_per_s", "bare_rows_per_s", "ratio", "fold_cpu_s", "bare_cpu_s",
//    "warm_rows_per_s", "warm_cpu_s", ...}
//
//   pnpm bench:stream-fold [--records 2000000] [--segments-of 50000] [--reps 3] [--threads 2]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import type { StreamColumn } from "@scrollintel/core/stream/stream-sql";
import { foldSegments } from "../apps/worker/src/duck/fold-segments";
import { forgetSegmentKeys } from "../apps/worker/src/duck/pending-columns";
import { closeDuck, lit, openDuck } from "../apps/worker/src/duck/open-duck";
import { percentile, round } from "./stats";

const median = (xs: number[]) => percentile(xs, 50);

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "2000000" },
    "segments-of": { type: "string", default: "50000" },
    reps: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
  },
});
const RECORDS = Number(args.records);
const PER_SEGMENT = Number(args["segments-of"]);
const REPS = Number(args.reps);
const THREADS = Number(args.threads);

const COLUMNS: StreamColumn[] = [
  { name: "id", type: "BIGINT" },
  { name: "b", type: "BIGINT" },
  { name: "ts", type: "BIGINT" },
  { name: "user", type: "VARCHAR" },
  { name: "value", type: "DOUBLE" },
  { name: "tag", type: "VARCHAR" },
];

const say = (line: string) => process.stderr.write(`${line}\n`);

function writeSegments(dir: string): { id: string; path: string; format: "ndjson"; records: number }[] {
  const out: { id: string; path: string; format: "ndjson"; records: number }[] = [];
  const t = Date.now();
  for (let b = 0; b * PER_SEGMENT < RECORDS; b++) {
    let text = "";
    const n = Math.min(PER_SEGMENT, RECORDS - b * PER_SEGMENT);
    for (let i = 0; i < n; i++) {
      const id = b * PER_SEGMENT + i;
      text += `{"id":${id},"b":${b},"ts":${t},"user":"u${id % 9973}","value":${(id % 1000) / 7},"tag":"ev-${id % 13}"}\n`;
    }
    const file = path.join(dir, `seg-${b}.ndjson.gz`);
    fs.writeFileSync(file, zlib.gzipSync(text, { level: 1 }));
    out.push({ id: `seg-${b}`, path: file, format: "ndjson", records: n });
  }
  return out;
}

/** Wall and CPU seconds of `fn` (this process: DuckDB runs in it). */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stream-fold-"));
  try {
    const segments = writeSegments(dir);
    say(`${RECORDS} records in ${segments.length} gzip segments; ${REPS} reps; ${THREADS} DuckDB threads`);
    const fold: { wall: number; cpu: number }[] = [];
    const warm: { wall: number; cpu: number }[] = [];
    const bare: { wall: number; cpu: number }[] = [];
    let rows = 0n;
    const foldOnce = (workDir: string) =>
      timed(async () => {
        fs.mkdirSync(workDir);
        const f = await foldSegments({
          segments,
          columns: COLUMNS,
          partPath: path.join(workDir, "part.parquet"),
          workDir,
          threads: THREADS,
        });
        rows = f.rows;
      });
    for (let r = 0; r < REPS; r++) {
      // Cold, as a compaction of segments no query has read yet: the key pass is timed too.
      forgetSegmentKeys();
      fold.push(await foldOnce(path.join(dir, `fold-${r}`)));
      // Warm, as a compaction of segments a query read first (their keys are known in the process).
      warm.push(await foldOnce(path.join(dir, `warm-${r}`)));
      const barePath = path.join(dir, `bare-${r}.parquet`);
      bare.push(
        await timed(async () => {
          const duck = await openDuck({ memoryLimit: "1GB", threads: THREADS, tempDir: path.join(dir, "spill") });
          try {
            await duck.conn.run(
              `COPY (SELECT * FROM read_ndjson([${segments.map((s) => lit(s.path)).join(", ")}]))
                 TO ${lit(barePath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
            );
          } finally {
            closeDuck(duck);
          }
        }),
      );
      say(
        `rep ${r + 1}: fold ${round(fold[r]!.wall)} s (cpu ${round(fold[r]!.cpu)}), warm ${round(warm[r]!.wall)} s (cpu ${round(warm[r]!.cpu)}), bare ${round(bare[r]!.wall)} s (cpu ${round(bare[r]!.cpu)})`,
      );
    }
    if (rows !== BigInt(RECORDS)) throw new Error(`fold stored ${rows} rows of ${RECORDS}`);
    const foldWall = median(fold.map((x) => x.wall));
    const bareWall = median(bare.map((x) => x.wall));
    process.stdout.write(
      `${JSON.stringify({
        records: RECORDS,
        fold_rows_per_s: Math.round(RECORDS / foldWall),
        bare_rows_per_s: Math.round(RECORDS / bareWall),
        ratio: Math.round((bareWall / foldWall) * 100) / 100,
        fold_cpu_s: round(median(fold.map((x) => x.cpu))),
        warm_rows_per_s: Math.round(RECORDS / median(warm.map((x) => x.wall))),
        warm_cpu_s: round(median(warm.map((x) => x.cpu))),
        bare_cpu_s: round(median(bare.map((x) => x.cpu))),
        threads: THREADS,
        load_1m: round(os.loadavg()[0]!),
      })}\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
