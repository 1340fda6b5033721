import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";

/**
 * Histograms, top values and quartiles count about this many rows (fewer
 * for tables with more than 16 such columns, so the kept sample stays
 * small): every row of a smaller table, else rows picked by a hash of their
 * position (see uniformSampleSql).
 */
export const PROFILE_SAMPLE_ROWS = 1_000_000;
const SAMPLE_SLICES = 16;

export interface PartRows {
  file: string;
  rows: number;
}

/** Rows per part, from the footers (no data read), in the order given. */
export async function findPartRows(conn: DuckDBConnection, files: string[]): Promise<PartRows[]> {
  const r = await conn.runAndReadAll(
    `SELECT file_name, num_rows FROM parquet_file_metadata([${files.map(lit).join(", ")}])`,
  );
  const rows = new Map(r.getRowObjectsJson().map((x) => [String(x.file_name), Number(x.num_rows)]));
  return files.map((file) => ({ file, rows: rows.get(file) ?? 0 }));
}

/** What the kept sample may take in memory (DuckDB spills past its limit, but slowly). */
const SAMPLE_BYTES = 256 * 1024 * 1024;

/** Uncompressed bytes per row of the named columns, from the footers: long texts make a smaller sample. */
export async function findBytesPerRow(conn: DuckDBConnection, files: string[], names: string[]): Promise<number> {
  if (!names.length) return 0;
  const r = await conn.runAndReadAll(
    `SELECT coalesce(sum(total_uncompressed_size) / greatest(1, max(rg_rows)), 0) AS b FROM parquet_metadata([${files.map(lit).join(", ")}]), ` +
      `(SELECT sum(row_group_num_rows) AS rg_rows FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata([${files.map(lit).join(", ")}]))) ` +
      `WHERE path_in_schema IN (${names.map(lit).join(", ")})`,
  );
  return Number(r.getRowObjectsJson()[0]?.b ?? 0);
}

/** How many rows the sample keeps for `columns` sampled columns of `bytesPerRow` together. */
export function sampleSize(totalRows: number, columns: number, bytesPerRow: number): number {
  const cap = Math.floor((PROFILE_SAMPLE_ROWS * 16) / Math.max(16, columns));
  const byBytes = bytesPerRow > 0 ? Math.floor(SAMPLE_BYTES / bytesPerRow) : cap;
  return Math.min(totalRows, cap, Math.max(1000, byBytes));
}

/** Rows [from, to) of one part, in its row order. */
function partRangeSql(file: string, from: number, to: number, select: string, rowNumbers: boolean): string {
  if (rowNumbers) {
    return (
      `SELECT ${select} FROM read_parquet(${lit(file)}, file_row_number = true) ` +
      `WHERE file_row_number >= ${from} AND file_row_number < ${to}`
    );
  }
  // DuckDB refuses file_row_number on a file with a column of that name; OFFSET reads the rows before, but works.
  return `SELECT * FROM (SELECT ${select} FROM read_parquet(${lit(file)}) LIMIT ${to - from} OFFSET ${from})`;
}

/**
 * Rows [start, end) of the version in file order (the parts in order, each
 * in its own row order) as SELECTs of `select` over single-part row ranges.
 */
function rangeSql(parts: PartRows[], start: number, end: number, select: string, rowNumbers: boolean): string[] {
  const out: string[] = [];
  let offset = 0;
  for (const p of parts) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + p.rows);
    if (from < to) out.push(partRangeSql(p.file, from - offset, to - offset, select, rowNumbers));
    offset += p.rows;
  }
  return out;
}

/**
 * The sample as one SELECT: every row, or `size` rows in SAMPLE_SLICES runs
 * starting at evenly spaced global row numbers. Positions are global, so the
 * same rows are chosen however the conversion split them into parts; runs
 * of rows let DuckDB skip to their row groups (TABLESAMPLE measured several
 * times slower, and random sampling would differ between runs).
 */
export function sampleSql(parts: PartRows[], size: number, select: string, rowNumbers = true): string {
  const total = parts.reduce((s, p) => s + p.rows, 0);
  if (size >= total) {
    return `SELECT ${select} FROM read_parquet([${parts.map((p) => lit(p.file)).join(", ")}])`;
  }
  const run = Math.ceil(size / SAMPLE_SLICES);
  const step = total / SAMPLE_SLICES;
  const selects: string[] = [];
  for (let k = 0; k < SAMPLE_SLICES; k++) {
    const start = Math.min(Math.floor(k * step), total - run);
    const end = Math.min(start + run, Math.floor((k + 1) * step), start + size - k * run);
    selects.push(...rangeSql(parts, start, end, select, rowNumbers));
  }
  return selects.join(" UNION ALL ");
}

/** 2^64: hash() is a UBIGINT, so a row is kept when its hash falls under this share of it. */
const HASH_SPACE = 1n << 64n;

/**
 * The sample as one SELECT: every row, or about `size` rows, each kept when
 * the hash of its global row number (its part's offset plus its
 * file_row_number) falls under size/total of the hash space. Spread over
 * the whole file rather than in runs, so a histogram of ordered ids has no
 * gaps; the same rows are chosen every time and however the conversion
 * split the rows into parts. Every row group is read, but only the sampled
 * columns, and counting in ~1M rows instead of all of them is what saves
 * (an all-row histogram measured 60% of the aggregate pass).
 */
export function uniformSampleSql(parts: PartRows[], size: number, select: string): string {
  const total = parts.reduce((s, p) => s + p.rows, 0);
  if (size >= total) {
    return `SELECT ${select} FROM read_parquet([${parts.map((p) => lit(p.file)).join(", ")}])`;
  }
  const under = (HASH_SPACE * BigInt(size)) / BigInt(total);
  let offset = 0;
  const selects = parts.map((p) => {
    const sql =
      `SELECT ${select} FROM read_parquet(${lit(p.file)}, file_row_number = true) ` +
      `WHERE hash((file_row_number + ${offset})::BIGINT) < ${under}::UBIGINT`;
    offset += p.rows;
    return sql;
  });
  return selects.join(" UNION ALL ");
}
