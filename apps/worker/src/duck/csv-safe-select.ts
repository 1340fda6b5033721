import type { DuckDBConnection } from "@duckdb/node-api";
import { FORMULA_START_SQL } from "@scrollintel/core/csv-safe";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { lit } from "./open-duck";

/**
 * The SELECT a CSV export of `file` (a result Parquet) writes: every text
 * column spreadsheet-safe (core/csv-safe: a cell starting with = + - @, tab or
 * CR gets a leading apostrophe), every other column as it is. DuckDB does it
 * while streaming, so nothing is held in memory.
 */
export async function csvSafeSelect(conn: DuckDBConnection, file: string): Promise<string> {
  const source = `read_parquet(${lit(file)})`;
  const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const cols = described.getRowObjectsJson().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  if (!cols.length) return `SELECT * FROM ${source}`;
  const list = cols.map(({ name, type }) => {
    const c = quoteIdent(name);
    if (type !== "VARCHAR") return c;
    return `CASE WHEN regexp_matches(${c}, ${lit(FORMULA_START_SQL)}) THEN '''' || ${c} ELSE ${c} END AS ${c}`;
  });
  return `SELECT ${list.join(", ")} FROM ${source}`;
}
