import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { ident } from "./source-sql";

/** Skipped CSV rows DuckDB records per file; rows past it are still skipped, and the count says "at least". */
export const DUCK_REJECTS_LIMIT = 100_000;

/** The rows DuckDB's CSV reader skipped (store_rejects), in line order, the first `keep` in full. */
export async function collectRejects(
  conn: DuckDBConnection,
  table: string,
  keep: number,
): Promise<{ count: bigint; rows: IngestReject[] }> {
  const t = ident(table);
  const n = (await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${t}`)).getRowObjectsJson()[0]!;
  const rows = (
    await conn.runAndReadAll(
      `SELECT line, column_name, error_type, error_message, csv_line FROM ${t} ORDER BY line, column_idx LIMIT ${keep}`,
    )
  ).getRowObjectsJson();
  return {
    count: BigInt(String(n.n)),
    rows: rows.map((r) => ({
      line: r.line == null ? null : BigInt(String(r.line)),
      column: r.column_name == null ? null : String(r.column_name),
      kind: String(r.error_type),
      reason: String(r.error_message),
      raw: r.csv_line == null ? null : String(r.csv_line).slice(0, 2000),
    })),
  };
}
