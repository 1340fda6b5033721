import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";

const PROGRESS_POLL_MS = 250;
/** The one part a conversion writes. */
const PART_FILE = "part-0.parquet";

export interface ConvertedParts {
  dir: string;
  files: string[];
  rows: bigint;
}

/**
 * Streams `selectSql` through DuckDB into one zstd Parquet part in `outDir`
 * (emptied first, so a retry starts clean), rows in the source's order.
 * One file, because DuckDB keeps insertion order only then: with
 * FILE_SIZE_BYTES its writers fill parts in parallel and a part's first row
 * is wherever a thread happened to be (measured: part 0 began at row
 * 202,778 of 3,000,000, and row ranges of parts overlapped). While it runs,
 * `onProgress` gets DuckDB's own estimate of how far the scan is (0..100).
 */
export async function convertToParquet(
  conn: DuckDBConnection,
  selectSql: string,
  outDir: string,
  onProgress: (percent: number) => void = () => {},
): Promise<ConvertedParts> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const timer = setInterval(() => {
    const p = conn.progress.percentage;
    if (p >= 0) onProgress(p);
  }, PROGRESS_POLL_MS);
  let rows: bigint;
  try {
    const r = await conn.runAndReadAll(
      `COPY (${selectSql}) TO ${lit(path.join(outDir, PART_FILE))} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
    );
    rows = BigInt(String(r.getRows()[0]?.[0] ?? 0));
  } finally {
    clearInterval(timer);
  }
  const file = path.join(outDir, PART_FILE);
  // No rows, no part (as before one file was written per part): an empty version stores nothing.
  if (rows === 0n) fs.rmSync(file, { force: true });
  return { dir: outDir, files: fs.existsSync(file) ? [file] : [], rows };
}

/** Column names and types (from the footers) and first rows of Parquet files (for an append, the base's). */
export async function describeParts(conn: DuckDBConnection, files: string[], previewRows: number) {
  const src = `read_parquet([${files.map(lit).join(",")}])`;
  const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  const meta = (
    await conn.runAndReadAll(
      `SELECT coalesce(sum(num_rows), 0)::BIGINT AS n FROM parquet_file_metadata([${files.map(lit).join(",")}])`,
    )
  ).getRowObjectsJson();
  // Without ORDER BY, DuckDB returns a scan's rows in file order (preserve_insertion_order, on by default),
  // so these are the first part's first rows, the file's own since the conversion keeps its order.
  const preview = (await conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${previewRows}`)).getRowObjectsJson();
  return {
    columns: cols.map((c) => ({ name: String(c.column_name), type: String(c.column_type) })),
    rowCount: BigInt(String(meta[0]?.n ?? 0)),
    preview,
  };
}
