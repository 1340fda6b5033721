import type { DuckDBConnection } from "@duckdb/node-api";
import { DENIED_FUNCTION_PATTERNS, DENIED_FUNCTIONS } from "./sql-allowlist-policy";

/** The catalog query the generated allowlist is built from. */
export const CATALOG_FUNCTIONS_SQL =
  "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro')";

/**
 * The allowed scalar, aggregate and macro names of this DuckDB build: its whole
 * function catalog minus the reviewed deny part, lower-case and sorted. The
 * generator writes this list into sql-allowlist-functions.ts; a test checks the
 * checked-in list still equals it.
 */
export async function deriveAllowedFunctions(conn: DuckDBConnection): Promise<string[]> {
  const denied = new Set(Object.values(DENIED_FUNCTIONS).flat());
  const rows = (await conn.runAndReadAll(CATALOG_FUNCTIONS_SQL)).getRows();
  const names = new Set(rows.map((r) => String(r[0]).toLowerCase()));
  return [...names].filter((n) => !denied.has(n) && !DENIED_FUNCTION_PATTERNS.some((p) => p.test(n))).sort();
}
