import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";

export const PART_FILE_BYTES = "256MB";

export interface ConvertedParts {
  dir: string;
  files: string[];
}

/**
 * Streams a source file through DuckDB into zstd Parquet parts of bounded
 * size in `outDir` (emptied first, so a retry starts clean).
 */
export async function convertToParquet(
  conn: DuckDBConnection,
  sourceSql: string,
  outDir: string,
): Promise<ConvertedParts> {
  fs.rmSync(outDir, { recursive: true, force: true });
  await conn.run(
    `COPY (SELECT * FROM ${sourceSql}) TO ${lit(outDir)} ` +
      `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, FILE_SIZE_BYTES ${lit(PART_FILE_BYTES)}, FILENAME_PATTERN 'part-{i}')`,
  );
  const files = fs.existsSync(outDir)
    ? fs
        .readdirSync(outDir)
        .filter((f) => f.endsWith(".parquet"))
        .sort((a, b) => partIndex(a) - partIndex(b))
    : [];
  return { dir: outDir, files: files.map((f) => path.join(outDir, f)) };
}

function partIndex(file: string): number {
  return Number(/part-(\d+)/.exec(file)?.[1] ?? 0);
}

/** Column names and types, row count and first rows of the converted parts. */
export async function describeParts(conn: DuckDBConnection, files: string[], previewRows: number) {
  const src = `read_parquet([${files.map(lit).join(",")}])`;
  const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  const count = (await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${src}`)).getRowObjectsJson();
  const preview = (await conn.runAndReadAll(`SELECT * FROM ${src} LIMIT ${previewRows}`)).getRowObjectsJson();
  return {
    columns: cols.map((c) => ({ name: String(c.column_name), type: String(c.column_type) })),
    rowCount: BigInt(String(count[0]?.n ?? 0)),
    preview,
  };
}
