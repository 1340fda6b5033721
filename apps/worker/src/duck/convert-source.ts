import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestAccounting } from "@scrollintel/core/ingest-accounting";
import { MAX_STORED_REJECTS, type IngestOptions } from "@scrollintel/core/ingest-options";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { checkCompressedStream, countParquetRows, countSourceLines } from "./account-source";
import { convertToParquet } from "./convert-to-parquet";
import { CompressedStreamError } from "./decoded-stream";
import { compressionOf, type Compression, type DetectedFormat } from "./detect-format";
import { inspectSource, type Inspection } from "./inspect-source";
import { duckMessage } from "./open-duck";
import { prepareSource, type PreparedSource } from "./prepare-source";
import { recordsRead } from "./records-read";
import { scanNdjson, type NdjsonScan } from "./scan-ndjson";
import { csvRejects } from "./csv-rejects";
import { sha256File } from "../source-file";
import { buildProjection, csvTypes, type Col, type ReadSpec } from "./source-sql";

export interface ConvertedSource {
  detected: DetectedFormat;
  inspection: Inspection;
  columns: Col[];
  parts: string[];
  /** Rows stored in the parts (from their footers). */
  rows: bigint;
  rejectedRows: bigint;
  rejects: IngestReject[];
  /** read = stored + rejected is for the caller to check (assertAccounting) before READY. */
  accounting: IngestAccounting;
  /** The upload's SHA-256 (of its bytes as stored, before any decoding), settled beside the conversion. */
  sha256: Promise<string>;
}

/** Lines per stored byte in the sniffed head, to turn DuckDB's percent into a row estimate. */
function rowsPerByte(d: DetectedFormat): number {
  if (d.format === "parquet" || !d.head) return 0;
  return (d.head.split("\n").length - 1) / Math.max(1, d.rawHeadBytes);
}

export interface Prepared {
  file: string;
  compression: Compression;
  ndjson?: NdjsonScan;
}

/** NDJSON is checked line by line before DuckDB reads it: bad lines are taken out and listed (skip) or named (fail). */
async function scanIfNdjson(p: PreparedSource, workDir: string, o: IngestOptions): Promise<Prepared> {
  const { file, compression } = p;
  if (p.detected.format !== "ndjson") return { file, compression };
  const cleanFile = path.join(workDir, "source.clean.ndjson");
  const scan = await scanNdjson({
    file,
    compression,
    policy: o.badRows,
    cleanFile,
    keep: MAX_STORED_REJECTS,
  });
  return o.badRows === "skip"
    ? { file: cleanFile, compression: "none", ndjson: scan }
    : { file, compression, ndjson: scan };
}

/** DuckDB's own decoders check what fzstd does not (zstd's content checksum): their word counts too. */
const DECODER_ERROR = /corrupt|decompress|inflate|decod/i;

/** A damaged compressed stream explains any DuckDB error on it better than DuckDB does. */
async function streamErrorOr(e: unknown, side: Promise<unknown> | null, compression: Compression): Promise<unknown> {
  const settled = await side?.then(
    () => null,
    (x: unknown) => x,
  );
  if (settled instanceof CompressedStreamError) return settled;
  const said = duckMessage(e)
    .split("\n")[0]!
    .replace(/^[A-Za-z ]*Error: /, "");
  if (compression !== "none" && DECODER_ERROR.test(said)) {
    return new CompressedStreamError(`The ${compression} stream is corrupt (its decoder says: ${said}).`);
  }
  return e;
}

/**
 * Source file -> local zstd Parquet parts: detects the format by content,
 * shows DuckDB's sniffed schema to `onInspected` before converting, reads
 * with the version's options (renames, types, bad-row policy) and, for an
 * append, into the base version's exact columns. Beside DuckDB's read, a
 * Node pass counts the source's records and checks a compressed stream
 * whole, so the caller can account for every record.
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
  const prepared = await prepareSource(opts).catch(async (e: unknown) => {
    // A corrupt block in the sniffed head, or in a stream being transcoded, fails decoding there: say it as a stream error.
    const head = Buffer.alloc(4);
    const fd = fs.openSync(opts.file, "r");
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    const compression = compressionOf(head);
    throw await streamErrorOr(e, checkCompressedStream(opts.file, compression), compression);
  });
  const { detected } = prepared;
  // A CSV read as uploaded is hashed by its line-count pass (one read for both); anything else on its own.
  const tap = detected.format === "csv" && prepared.file === opts.file ? createHash("sha256") : null;
  const hashed = tap ? null : sha256File(opts.file);
  hashed?.catch(() => {}); // awaited by the caller; never an unhandled rejection meanwhile
  const src = await scanIfNdjson(prepared, opts.workDir, opts.options);
  const csvSkip = detected.format === "csv" && opts.options.badRows === "skip";
  const spec: ReadSpec = {
    file: src.file,
    format: detected.format,
    compression: src.compression,
    options: opts.options,
    // Skip reads past bad lines uncounted (store_rejects holds state per error outside DuckDB's memory
    // limit); they are counted as read − stored, and a bounded second pass lists the first (csvRejects).
    ignoreErrors: csvSkip,
  };
  const inspection = await inspectSource(opts.conn, spec, detected.head).catch(async (e: unknown) => {
    throw await streamErrorOr(e, checkCompressedStream(src.file, src.compression), src.compression);
  });
  await opts.onInspected(detected, inspection);
  if (detected.format === "csv") spec.types = csvTypes(opts.options, inspection.columns, opts.target);
  const projection = buildProjection(spec, inspection.columns, opts.target);
  const abort = new AbortController();
  // (NDJSON's scan has already read the whole stream.)
  const side =
    detected.format === "csv"
      ? countSourceLines(
          src.file,
          src.compression,
          inspection.dialect?.newLine ?? "\\n",
          abort.signal,
          tap ?? undefined,
        )
      : src.ndjson
        ? Promise.resolve(null)
        : checkCompressedStream(src.file, src.compression, abort.signal).then(() => null);
  // A damaged stream stops DuckDB at once rather than after it has read what is there.
  side.catch((e: unknown) => {
    if (e instanceof CompressedStreamError) opts.conn.interrupt();
  });
  const perByte = rowsPerByte(detected);
  const converted = await convertToParquet(opts.conn, projection.sql, path.join(opts.workDir, "out"), (percent) =>
    opts.onProgress({
      percent,
      bytesRead: Math.round((size * percent) / 100),
      rows: Math.round((size * percent * perByte) / 100),
    }),
  ).catch(async (e: unknown) => {
    if (src.compression === "none") abort.abort();
    throw await streamErrorOr(e, side, src.compression);
  });
  const lines = await side;
  const stored = await countParquetRows(opts.conn, converted.files);
  const read = await recordsRead({ conn: opts.conn, src, detected, inspection, lines, copied: converted.rows, stored });
  const rejected = csvSkip
    ? await csvRejects({ conn: opts.conn, src, spec, inspection, workDir: opts.workDir, read, stored })
    : { count: BigInt(src.ndjson?.rejected ?? 0), rows: src.ndjson?.rejects ?? [] };
  return {
    detected,
    inspection,
    columns: projection.columns,
    parts: converted.files,
    rows: stored,
    rejectedRows: rejected.count,
    rejects: rejected.rows,
    accounting: { read, stored, rejected: rejected.count },
    // The line count has read every byte once it settled.
    sha256: tap ? Promise.resolve(tap.digest("hex")) : hashed!,
  };
}
