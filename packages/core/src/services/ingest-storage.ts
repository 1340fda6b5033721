import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { releaseReservedBytes, reserveStoredBytes } from "./stored-bytes";

/** What the refusal calls a version's output. */
export const INGEST_OUTPUT = "this dataset's Parquet files";

/**
 * Holds storage for a version's Parquet before any part is stored: the
 * parts' sizes are known once DuckDB wrote them to the scratch directory, so
 * the reservation is exact. Throws QUOTA_EXCEEDED naming the limit when they
 * do not fit. A retried attempt replaces its earlier reservation. False when
 * the version is no longer INGESTING (cancelled): nothing is held.
 */
export async function reserveIngestOutput(db: Db, versionId: string, bytes: bigint): Promise<boolean> {
  return systemTx(db, async (tx) => {
    const [v] = await tx.$queryRaw<{ tenantId: string; status: string; held: bigint }[]>`
      SELECT "tenantId", status::text AS status, "storageReservedBytes" AS held
        FROM "DatasetVersion" WHERE id = ${versionId} FOR UPDATE`;
    if (!v || v.status !== "INGESTING") return false;
    await releaseReservedBytes(tx, v.tenantId, v.held);
    await reserveStoredBytes(tx, v.tenantId, bytes, INGEST_OUTPUT);
    await tx.datasetVersion.update({ where: { id: versionId }, data: { storageReservedBytes: bytes } });
    return true;
  });
}
