import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";

export const PART_FILE_BYTES = "256MB";
const PROGRESS_POLL_MS = 250;

export interface ConvertedParts {
  dir: string;
  files: string[];
  rows: bigint;
}

/**
 * Streams `selectSql` through DuckDB into zstd Parquet parts of bounded
 * size in `outDir` (emptied first, so a retry starts clean). While it runs,
 * `onProgress` gets DuckDB's own estimate of how far the scan is (0..100).
 */
export async function convertToParquet(
  conn: DuckDBConnection,
  selectSql: string,
  outDir: string,
  onProgress: (percent: number) => void = () => {},
): Promise<ConvertedParts> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const timer = setInterval(() => {
    const p = conn.progress.percentage;
    if (p >= 0) onProgress(p);
  }, PROGRESS_POLL_MS);
  let rows: bigint;
  try {
    const r = await conn.runAndReadAll(
      `COPY (${selectSql}) TO ${lit(outDir)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, FILE_SIZE_BYTES ${lit(PART_FILE_BYTES)}, FILENAME_PATTERN 'part-{i}')`,
    );
    rows = BigInt(String(r.getRows()[0]?.[0] ?? 0));
  } finally {
    clearInterval(timer);
  }
  const files = fs.existsSync(outDir)
    ? fs
        .readdirSync(outDir)
        .filter((f) => f.endsWith(".parquet"))
        .sort((a, b) => partIndex(a) - partIndex(b))
    : [];
  return { dir: outDir, files: files.map((f) => path.join(outDir, f)), rows };
}

function partIndex(file: string): number {
  return Number(/part-(\d+)/.exec(file)?.[1] ?? 0);
}

/** Column names and types (from the footers) and first rows of Parquet files. */
export async function describeParts(conn: DuckDBConnection, files: string[], previewRows: number) {
  const src = `read_parquet([${files.map(lit).join(",")}])`;
  const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  const meta = (
    await conn.runAndReadAll(
      `SELECT coalesce(sum(num_rows), 0)::BIGINT AS n FROM parquet_file_metadata([${files.map(lit).join(",")}])`,
    )
  ).getRowObjectsJson();
  const preview = (await conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${previewRows}`)).getRowObjectsJson();
  return {
    columns: cols.map((c) => ({ name: String(c.column_name), type: String(c.column_type) })),
    rowCount: BigInt(String(meta[0]?.n ?? 0)),
    preview,
  };
}
