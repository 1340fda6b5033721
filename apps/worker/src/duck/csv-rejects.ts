import type { DuckDBConnection } from "@duckdb/node-api";
import { MAX_STORED_REJECTS } from "@scrollintel/core/ingest-options";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import type { Prepared } from "./convert-source";
import type { Inspection } from "./inspect-source";
import { findRejectExamples } from "./reject-examples";
import { readExpression, type ReadSpec } from "./source-sql";

/**
 * A "skip" CSV read's rejects: counted exactly as records read − rows
 * stored (both counted apart from DuckDB's skipping), and the first
 * `MAX_STORED_REJECTS` errors listed by a bounded second pass that runs only
 * when something was left out. A count below zero (more rows than records)
 * is left for the accounting check to refuse.
 */
export async function csvRejects(a: {
  conn: DuckDBConnection;
  src: Prepared;
  spec: ReadSpec;
  inspection: Inspection;
  workDir: string;
  read: bigint;
  stored: bigint;
}): Promise<{ count: bigint; rows: IngestReject[] }> {
  const count = a.read - a.stored;
  if (count <= 0n || !a.inspection.dialect) return { count, rows: [] };
  // Every column's type fixed as the whole read had it, so a window is typed the same.
  const types = { ...Object.fromEntries(a.inspection.columns.map((c) => [c.name, c.type])), ...a.spec.types };
  const rows = await findRejectExamples({
    conn: a.conn,
    file: a.src.file,
    compression: a.src.compression,
    dialect: a.inspection.dialect,
    workDir: a.workDir,
    rejected: count,
    keep: MAX_STORED_REJECTS,
    readFor: (file, table, scan, limit) =>
      readExpression({
        ...a.spec,
        file,
        compression: "none",
        types,
        ignoreErrors: false,
        rejects: { table, scan, limit },
      }),
  });
  return { count, rows };
}
