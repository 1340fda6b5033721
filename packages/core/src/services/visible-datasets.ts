import type { Tx } from "../db/client";
import { sqlOf, type Sql } from "../db/sql";
import type { ColumnInfo } from "./dataset-service";

export interface VisibleDatasetVersion {
  datasetId: string;
  name: string;
  version: number;
  /** Object keys of the version's Parquet parts. */
  files: string[];
  storedBytes: bigint;
  rowCount: bigint;
  columns: ColumnInfo[];
}

/**
 * What the tenant's data policy lets a query see. Today every member sees
 * every READY dataset of the tenant; the result cache key includes this
 * string, so a per-user or per-role policy must change it.
 */
export const DATA_POLICY = "tenant-wide:ready-versions";

/** The datasets (at their READY version) a query of this tenant sees, by name: one round trip. */
export async function findVisibleDatasets(tx: Tx | Sql, tenantId: string): Promise<VisibleDatasetVersion[]> {
  const rows = await sqlOf(tx).query<{
    datasetId: string;
    name: string;
    version: number;
    files: unknown;
    storedBytes: bigint;
    rowCount: bigint;
    columns: unknown;
  }>(
    `SELECT d.id AS "datasetId", d.name, v.version, v.files, v."storedBytes", v."rowCount", v.columns
       FROM "Dataset" d
       JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = d."readyVersion" AND v.status = 'READY'
      WHERE d."tenantId" = $1
      ORDER BY d.name`,
    [tenantId],
  );
  return rows.map((r) => ({
    ...r,
    files: r.files as string[],
    columns: r.columns as ColumnInfo[],
  }));
}
