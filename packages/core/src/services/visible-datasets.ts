import type { Tx } from "../db/client";
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

/** The datasets (at their READY version) a query of this tenant sees, by name. */
export async function findVisibleDatasets(tx: Tx, tenantId: string): Promise<VisibleDatasetVersion[]> {
  const rows = await tx.dataset.findMany({
    where: { tenantId, readyVersion: { not: null } },
    select: {
      id: true,
      name: true,
      readyVersion: true,
      versions: {
        where: { status: "READY" },
        orderBy: { version: "desc" },
        take: 1,
        select: { version: true, files: true, storedBytes: true, rowCount: true, columns: true },
      },
    },
    orderBy: { name: "asc" },
  });
  return rows.flatMap((d) => {
    const v = d.versions[0];
    if (!v) return [];
    return [
      {
        datasetId: d.id,
        name: d.name,
        version: v.version,
        files: v.files as string[],
        storedBytes: v.storedBytes,
        rowCount: v.rowCount,
        columns: v.columns as unknown as ColumnInfo[],
      },
    ];
  });
}
