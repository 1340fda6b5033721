import path from "node:path";
import type { Config } from "@scrollintel/core/config";
import type { Db } from "@scrollintel/core/db/client";
import { findUncompactedSegments } from "@scrollintel/core/services/stream-compaction-service";
import type { VisibleDatasetVersion } from "@scrollintel/core/services/visible-datasets";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { pendingRowsSql, type StreamColumn } from "@scrollintel/core/stream/stream-sql";
import { lit } from "./open-duck";
import { findPendingColumns } from "./pending-columns";
import { localPathsFor } from "../local-path-for";
import type { SandboxDataset } from "./sandbox";

/**
 * A streaming dataset as the sandbox sees it: its compacted parts (read by
 * name, since later parts have more columns) plus the records of segments not
 * compacted yet, typed as compaction will type them, so events are queryable
 * seconds after their 200.
 */
export async function streamSandboxDataset(
  deps: { db: Db; storage: StorageDriver; config: Config },
  d: VisibleDatasetVersion,
): Promise<SandboxDataset> {
  const parts = await localPathsFor(deps, d.files);
  const segs = await findUncompactedSegments(deps.db, d.datasetId, d.rowCount);
  // A segment that cannot be read fails the query: leaving its rows out would answer wrongly.
  const segPaths = await localPathsFor(
    deps,
    segs.map((s) => s.key),
  );
  const files = segs.map((s, i) => ({ id: s.id, path: segPaths[i]!, format: s.format }));
  // Keys only pending segments have yet (the first batch's, or new ones) are columns already.
  const columns = await findPendingColumns({
    segments: files,
    known: d.columns as StreamColumn[],
    tempDir: path.join(deps.config.dataDir, "tmp", "pending-columns"),
    threads: deps.config.DUCKDB_THREADS,
  });
  const selects: string[] = [];
  if (parts.length) selects.push(`SELECT * FROM read_parquet([${parts.map(lit).join(", ")}], union_by_name = true)`);
  if (files.length && columns.length) selects.push(pendingRowsSql(files, columns));
  // Every column the dataset has, even where neither parts nor pending rows have one yet.
  if (columns.length) selects.push(`SELECT ${columns.map(nullOf).join(", ")} WHERE false`);
  // No record that fits yet (no key in any record): an empty view.
  if (!selects.length) selects.push(`SELECT NULL AS no_events_yet WHERE false`);
  return { name: d.name, paths: [...parts, ...segPaths], sql: selects.join("\nUNION ALL BY NAME\n") };
}

function nullOf(c: StreamColumn): string {
  return `NULL::${c.type} AS ${quoteIdent(c.name)}`;
}
