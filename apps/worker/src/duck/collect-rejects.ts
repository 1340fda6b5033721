import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { ident } from "./source-sql";

/**
 * The errors DuckDB's CSV reader stored for one read (store_rejects), in
 * line order, past line `after` of the file it read, at most `keep`.
 */
export async function collectRejects(
  conn: DuckDBConnection,
  table: string,
  after: number,
  keep: number,
): Promise<IngestReject[]> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT line, column_name, error_type, error_message, csv_line FROM ${ident(table)} ` +
        `WHERE line > ${after} ORDER BY line, column_idx LIMIT ${keep}`,
    )
  ).getRowObjectsJson();
  return rows.map((r) => ({
    line: r.line == null ? null : BigInt(String(r.line)),
    column: r.column_name == null ? null : String(r.column_name),
    kind: String(r.error_type),
    reason: String(r.error_message),
    // DuckDB prefixes the blank lines before a record to its text.
    raw:
      r.csv_line == null
        ? null
        : String(r.csv_line)
            .replace(/^[\r\n]+/, "")
            .slice(0, 2000),
  }));
}
