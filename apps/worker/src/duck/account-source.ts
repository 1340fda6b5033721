import type { Hash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { CsvRecordCounter } from "./count-csv-records";
import { LineCounter } from "./count-line-ends";
import { forEachDecodedChunk, forEachRawChunk } from "./decoded-stream";
import type { Compression } from "./detect-format";
import type { Inspection } from "./inspect-source";
import { lit } from "./open-duck";

type Dialect = NonNullable<Inspection["dialect"]>;

const lineEndOf = (newLine: string) => (newLine.replaceAll("\\", "") === "r" ? 0x0d : 0x0a);

/**
 * The cheap pass that runs beside DuckDB's read: lines of the (decoded)
 * source, and for a compressed file the check of its whole stream. `hash`
 * gets the file's own bytes on the way, so the upload is read once for its
 * lines and its SHA-256.
 */
export async function countSourceLines(
  file: string,
  compression: Compression,
  newLine: string,
  signal: AbortSignal,
  hash?: Hash,
): Promise<number> {
  const c = new LineCounter(lineEndOf(newLine));
  if (compression === "none") {
    await forEachRawChunk(
      file,
      (b) => {
        hash?.update(b);
        c.push(b);
      },
      signal,
    );
  } else {
    await forEachDecodedChunk(file, compression, (b) => c.push(b), signal, hash && ((raw) => hash.update(raw)));
  }
  return c.lines;
}

/** Only the check of a compressed stream (formats whose records are not lines). */
export async function checkCompressedStream(file: string, compression: Compression, signal?: AbortSignal) {
  if (compression !== "none") await forEachDecodedChunk(file, compression, () => {}, signal);
}

/**
 * CSV records as DuckDB delimits them (quote-aware, blank and comment lines
 * left out), minus the header and skipped lines. A second pass: run only
 * when plain line counting does not already account for every record.
 */
export async function countCsvRecords(
  file: string,
  compression: Compression,
  d: Dialect,
  columns: number,
): Promise<number> {
  const c = new CsvRecordCounter({
    blankIsRecord: columns === 1,
    quote: d.quote === "(empty)" ? "" : d.quote,
    escape: d.escape === "(empty)" ? "" : d.escape,
    newLine: d.newLine,
    comment: d.comment === "(empty)" ? "" : d.comment,
  });
  await forEachDecodedChunk(file, compression, (b) => c.push(b));
  return c.end() - headerLines(d);
}

/** Lines before the first record: DuckDB's skipped lines and the header. */
export function headerLines(d: Dialect | undefined): number {
  return d ? d.skipRows + (d.header ? 1 : 0) : 0;
}

/** Rows in Parquet files, from their footers. */
export async function countParquetRows(conn: DuckDBConnection, files: string[]): Promise<bigint> {
  if (!files.length) return 0n;
  const r = await conn.runAndReadAll(
    `SELECT coalesce(sum(num_rows), 0)::BIGINT AS n FROM parquet_file_metadata([${files.map(lit).join(",")}])`,
  );
  return BigInt(String(r.getRowObjectsJson()[0]?.n ?? 0));
}
