import type { Tx } from "../db/client";
import type { RetentionPolicy } from "../retention-policy";

/** How far ahead "about to go" looks. */
export const GOING_WINDOW_HOURS = 24;

export interface RetainedData {
  kind: "datasets" | "results" | "uploads";
  /** Bytes kept now (counted against the storage limit). */
  bytes: bigint;
  /** How long it is kept: days or hours, or null for "until deleted". */
  keptFor: { days: number } | { hours: number } | null;
  /** Bytes the retention job removes within the next GOING_WINDOW_HOURS. */
  goingBytes: bigint;
}

const HOUR = 3_600_000;

/**
 * What a tenant keeps under its policy: datasets (Parquet and the uploads
 * they were read from) until deleted, stored query results and exports for
 * `resultDays` after the result was made, unfinished uploads for
 * `uploadHours` after their last byte; and of each, what goes within a day.
 */
export async function findRetainedData(
  tx: Tx,
  tenantId: string,
  policy: RetentionPolicy,
  now: Date,
): Promise<RetainedData[]> {
  const ahead = GOING_WINDOW_HOURS * HOUR;
  // Anything made before these instants is past its period by the end of the window.
  const resultsGoBefore = new Date(now.getTime() - policy.resultDays * 24 * HOUR + ahead);
  const uploadsGoBefore = new Date(now.getTime() - policy.uploadHours * HOUR + ahead);
  const [r] = await tx.$queryRaw<
    { datasets: bigint; results: bigint; resultsGoing: bigint; uploads: bigint; uploadsGoing: bigint }[]
  >`
    WITH owners AS (
      SELECT id, "resultBytes", "finishedAt" FROM "QueryRun"
       WHERE "tenantId" = ${tenantId} AND "cachedFromId" IS NULL AND "resultKey" IS NOT NULL),
    exports AS (
      SELECT e.bytes, o."finishedAt" FROM "QueryExport" e JOIN owners o ON o.id = e."queryRunId"
       WHERE e."tenantId" = ${tenantId} AND e.status = 'SUCCEEDED')
    SELECT
      ((SELECT COALESCE(sum("storedBytes"), 0) FROM "DatasetVersion" WHERE "tenantId" = ${tenantId} AND status = 'READY')
        + (SELECT COALESCE(sum("sizeBytes"), 0) FROM "Upload" WHERE "tenantId" = ${tenantId} AND status = 'COMPLETE'))::bigint
        AS datasets,
      ((SELECT COALESCE(sum("resultBytes"), 0) FROM owners)
        + (SELECT COALESCE(sum(bytes), 0) FROM exports))::bigint AS results,
      ((SELECT COALESCE(sum("resultBytes"), 0) FROM owners WHERE "finishedAt" < ${resultsGoBefore})
        + (SELECT COALESCE(sum(bytes), 0) FROM exports WHERE "finishedAt" < ${resultsGoBefore}))::bigint AS "resultsGoing",
      (SELECT COALESCE(sum("reservedBytes"), 0) FROM "Upload" WHERE "tenantId" = ${tenantId} AND status = 'CREATED')::bigint
        AS uploads,
      (SELECT COALESCE(sum("reservedBytes"), 0) FROM "Upload"
        WHERE "tenantId" = ${tenantId} AND status = 'CREATED' AND "lastActivityAt" < ${uploadsGoBefore})::bigint
        AS "uploadsGoing"`;
  const n = (v: bigint | number | string | undefined) => BigInt(v ?? 0);
  return [
    { kind: "datasets", bytes: n(r?.datasets), keptFor: null, goingBytes: 0n },
    { kind: "results", bytes: n(r?.results), keptFor: { days: policy.resultDays }, goingBytes: n(r?.resultsGoing) },
    { kind: "uploads", bytes: n(r?.uploads), keptFor: { hours: policy.uploadHours }, goingBytes: n(r?.uploadsGoing) },
  ];
}
