import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { MAX_STORED_REJECTS, type IngestOptions } from "@scrollintel/core/ingest-options";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { collectRejects, DUCK_REJECTS_LIMIT } from "./collect-rejects";
import { convertToParquet } from "./convert-to-parquet";
import { decompressFile } from "./decompress-file";
import { detectFormat, type DetectedFormat } from "./detect-format";
import { inspectSource, type Inspection } from "./inspect-source";
import { buildProjection, csvTypes, type Col, type ReadSpec } from "./source-sql";

export interface ConvertedSource {
  detected: DetectedFormat;
  inspection: Inspection;
  columns: Col[];
  parts: string[];
  rows: bigint;
  rejectedRows: bigint;
  rejects: IngestReject[];
}

/** Lines per stored byte in the sniffed head, to turn DuckDB's percent into a row estimate. */
function rowsPerByte(d: DetectedFormat): number {
  if (d.format === "parquet" || !d.head) return 0;
  return (d.head.split("\n").length - 1) / Math.max(1, d.rawHeadBytes);
}

/**
 * Source file -> local zstd Parquet parts: detects the format by content,
 * shows DuckDB's sniffed schema to `onInspected` before converting, reads
 * with the version's options (renames, types, bad-row policy) and, for an
 * append, into the base version's exact columns.
 */
export async function convertSource(opts: {
  conn: DuckDBConnection;
  file: string;
  workDir: string;
  options: IngestOptions;
  target?: Col[];
  onInspected: (d: DetectedFormat, i: Inspection) => Promise<void>;
  onProgress: (p: { percent: number; bytesRead: number; rows: number }) => void;
}): Promise<ConvertedSource> {
  const size = fs.statSync(opts.file).size;
  const detected = await detectFormat(opts.file);
  let file = opts.file;
  let compression = detected.compression;
  if (detected.format === "parquet" && compression !== "none") {
    file = path.join(opts.workDir, "source.parquet");
    await decompressFile(opts.file, file, compression);
    compression = "none";
  }
  const csvSkip = detected.format === "csv" && opts.options.badRows === "skip";
  const spec: ReadSpec = {
    file,
    format: detected.format,
    compression,
    options: opts.options,
    rejects: csvSkip ? { table: "ingest_rejects", scan: "ingest_reject_scans", limit: DUCK_REJECTS_LIMIT } : undefined,
  };
  const inspection = await inspectSource(opts.conn, spec, detected.head);
  await opts.onInspected(detected, inspection);
  if (detected.format === "csv") spec.types = csvTypes(opts.options, inspection.columns, opts.target);
  const projection = buildProjection(spec, inspection.columns, opts.target);
  const perByte = rowsPerByte(detected);
  const converted = await convertToParquet(opts.conn, projection.sql, path.join(opts.workDir, "out"), (percent) =>
    opts.onProgress({
      percent,
      bytesRead: Math.round((size * percent) / 100),
      rows: Math.round((size * percent * perByte) / 100),
    }),
  );
  const rejected = csvSkip
    ? await collectRejects(opts.conn, "ingest_rejects", MAX_STORED_REJECTS)
    : { count: 0n, rows: [] };
  return {
    detected,
    inspection,
    columns: projection.columns,
    parts: converted.files,
    rows: converted.rows,
    rejectedRows: rejected.count,
    rejects: rejected.rows,
  };
}
