import type { DuckDBConnection } from "@duckdb/node-api";
import { kindOf } from "./profile-kind";
import { lit } from "./open-duck";
import type { Col } from "./source-sql";

/** What the Parquet footers tell exactly about one top-level column, without reading data. */
export interface FooterStats {
  nulls: number | null;
  /** Set only when every row group's bound is exact. */
  min: unknown;
  max: unknown;
  exact: boolean;
}

/**
 * Null counts and min/max from every row group's statistics. A bound counts
 * only if every row group holding values has an exact one (DuckDB cuts long
 * strings' bounds, and flags them inexact). Nested columns have no footer
 * entry of their own (only their leaves do) and get nulls = null.
 */
export async function readFooterStats(
  conn: DuckDBConnection,
  files: string[],
  columns: Col[],
): Promise<Map<string, FooterStats>> {
  const out = new Map<string, FooterStats>();
  const list = `[${files.map(lit).join(", ")}]`;
  const groups = Number(
    (
      await conn.runAndReadAll(
        `SELECT count(*) AS n FROM (SELECT DISTINCT file_name, row_group_id FROM parquet_metadata(${list}))`,
      )
    ).getRowObjectsJson()[0]?.n ?? 0,
  );
  for (let start = 0; start < columns.length; start += 32) {
    const batch = columns.slice(start, start + 32);
    const sel = batch.flatMap((c, i) => footerSql(c, i));
    const r = (
      await conn.runAndReadAll(`SELECT ${sel.join(", ")} FROM parquet_metadata(${list})`)
    ).getRowObjectsJson()[0]!;
    batch.forEach((c, i) => {
      const chunks = Number(r[`g${i}`] ?? 0);
      const full = chunks > 0 && chunks === groups && Number(r[`sn${i}`]) === chunks;
      const exact = full && r[`ex${i}`] === true && r[`lo${i}`] != null;
      out.set(c.name, {
        nulls: full ? Number(r[`nulls${i}`] ?? 0) : null,
        min: exact ? r[`lo${i}`] : null,
        max: exact ? r[`hi${i}`] : null,
        exact,
      });
    });
  }
  return out;
}

function footerSql(c: Col, i: number): string[] {
  const where = `FILTER (WHERE path_in_schema = ${lit(c.name)})`;
  const s = [
    `count(*) ${where} AS g${i}`,
    `count(stats_null_count) ${where} AS sn${i}`,
    `sum(stats_null_count) ${where} AS nulls${i}`,
  ];
  const k = kindOf(c.type);
  if (k === "number" || k === "time" || k === "string") {
    const lo = `TRY_CAST(stats_min_value AS ${c.type})`;
    const hi = `TRY_CAST(stats_max_value AS ${c.type})`;
    // A row group of only NULLs has no bounds and needs none; one bound that does not read back spoils them all.
    const ok = `(stats_null_count = num_values OR (min_is_exact AND max_is_exact AND ${lo} IS NOT NULL AND ${hi} IS NOT NULL))`;
    s.push(
      `coalesce(bool_and(${ok}) ${where}, false) AS ex${i}`,
      `min(${lo}) ${where} AS lo${i}`,
      `max(${hi}) ${where} AS hi${i}`,
    );
  }
  return s;
}
