import type { DuckDBConnection } from "@duckdb/node-api";
import { countCsvRecords, countParquetRows, headerLines } from "./account-source";
import type { Prepared } from "./convert-source";
import type { DetectedFormat } from "./detect-format";
import type { Inspection } from "./inspect-source";

/**
 * Data records in the source, counted apart from DuckDB's output: NDJSON
 * lines by the Node scan, Parquet rows by the source's footers, CSV lines by
 * the side pass (quote-aware recount only when plain lines are more than the
 * rows stored: quoted line ends, blank lines, or lines left out).
 * A JSON array's elements are counted by DuckDB's reader itself.
 */
export async function recordsRead(a: {
  conn: DuckDBConnection;
  src: Prepared;
  detected: DetectedFormat;
  inspection: Inspection;
  lines: number | null;
  copied: bigint;
  stored: bigint;
}): Promise<bigint> {
  if (a.src.ndjson) return BigInt(a.src.ndjson.records);
  if (a.detected.format === "parquet") return countParquetRows(a.conn, [a.src.file]);
  if (a.detected.format === "json" || a.detected.format === "json-document" || a.lines === null) return a.copied;
  const plain = BigInt(Math.max(0, a.lines - headerLines(a.inspection.dialect)));
  // Plain lines are never fewer than records: equal to the rows stored, nothing was left out.
  if (plain === a.stored || !a.inspection.dialect) return plain;
  const exact = await countCsvRecords(a.src.file, a.src.compression, a.inspection.dialect, a.inspection.columns.length);
  return BigInt(exact);
}
