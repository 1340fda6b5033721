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
  /** Tier of the dataset: only WARM ones are read (core/archive-lifecycle). */
  archiveStatus: string;
  /** Fed by events: queries also read its segments not yet compacted. */
  streaming?: boolean;
  /** Streaming only: changes with every acknowledged batch, so cached results of older data are not reused. */
  streamMark?: string;
}

/**
 * What the tenant's data policy lets a query see. Today every member sees
 * every READY dataset of the tenant that is not in the trash; the result cache key includes this
 * string, so a per-user or per-role policy must change it.
 */
export const DATA_POLICY = "tenant-wide:ready-versions";

/**
 * The statement behind findVisibleDatasets; `tenant` is a placeholder ($1) or
 * a quoted literal, so other one-round-trip reads can nest it.
 */
export function visibleDatasetsSql(tenant: string): string {
  return `SELECT d.id AS "datasetId", d.name, v.version, v.files, v."storedBytes", v."rowCount", v.columns,
            d."archiveStatus"::text AS "archiveStatus", d.streaming,
            -- A stream's view changes with a new segment, and with a compaction or merge of the same ones
            -- (rows move to parts, columns grow; a batch of rejects only moves rejectedRows): a query
            -- engine's session must not keep the old one, whose segments may be deleted after their grace.
            CASE WHEN d.streaming THEN concat_ws(':', (SELECT max(seq)::text FROM "StreamSegment" s WHERE s."datasetId" = d.id),
                                                 v."rowCount", v."rejectedRows", md5(v.files::text)) END AS "streamMark"
       FROM "Dataset" d
       JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = d."readyVersion" AND v.status = 'READY'
      WHERE d."tenantId" = ${tenant} AND d."trashedAt" IS NULL AND v."trashedAt" IS NULL`;
}

export interface VisibleDatasetRow {
  datasetId: string;
  name: string;
  version: number;
  files: unknown;
  /** bigint, or its decimal text where the row came through JSON. */
  storedBytes: bigint | string;
  rowCount: bigint | string;
  columns: unknown;
  archiveStatus: string;
  streaming: boolean;
  streamMark: string | null;
}

/** A row of visibleDatasetsSql as the dataset it describes. */
export function visibleDatasetFromRow({ streamMark, ...r }: VisibleDatasetRow): VisibleDatasetVersion {
  return {
    ...r,
    storedBytes: BigInt(r.storedBytes),
    rowCount: BigInt(r.rowCount),
    ...(streamMark ? { streamMark } : {}),
    files: r.files as string[],
    columns: r.columns as ColumnInfo[],
  };
}

/** The datasets (at their READY version) a query of this tenant sees, by name: one round trip. */
export async function findVisibleDatasets(tx: Tx | Sql, tenantId: string): Promise<VisibleDatasetVersion[]> {
  const rows = await sqlOf(tx).query<VisibleDatasetRow>(`${visibleDatasetsSql("$1")} ORDER BY d.name`, [tenantId]);
  return rows.map(visibleDatasetFromRow);
}
