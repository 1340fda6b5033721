import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { sqlSystemTx } from "../db/sql";
import { releaseReservedBytes, reserveStoredBytes } from "./stored-bytes";

/** What the refusals call a result and an export. */
export const RESULT_OUTPUT = "this query's result";
export const EXPORT_OUTPUT = "this export";

/**
 * Holds storage for a run's result object before it is stored (the worker
 * knows its exact size from the local file). Throws QUOTA_EXCEEDED naming the
 * limit when it does not fit. False when the run is no longer RUNNING.
 */
export async function reserveQueryResult(db: Db, runId: string, bytes: bigint): Promise<boolean> {
  return sqlSystemTx(db, async (sql) => {
    const [r] = await sql.query<{ tenantId: string; status: string; held: bigint }>(
      `SELECT "tenantId", status::text AS status, "storageReservedBytes" AS held
         FROM "QueryRun" WHERE id = $1 FOR UPDATE`,
      [runId],
    );
    if (!r || r.status !== "RUNNING") return false;
    await releaseReservedBytes(sql, r.tenantId, r.held);
    await reserveStoredBytes(sql, r.tenantId, bytes, RESULT_OUTPUT);
    await sql.query(`UPDATE "QueryRun" SET "storageReservedBytes" = $2::bigint WHERE id = $1 RETURNING 1 AS ok`, [
      runId,
      bytes.toString(),
    ]);
    return true;
  });
}

/** The same for an export's object; false when the export is no longer RUNNING. */
export async function reserveExportOutput(db: Db, exportId: string, bytes: bigint): Promise<boolean> {
  return systemTx(db, async (tx) => {
    const [e] = await tx.$queryRaw<{ tenantId: string; status: string; held: bigint }[]>`
      SELECT "tenantId", status::text AS status, "storageReservedBytes" AS held
        FROM "QueryExport" WHERE id = ${exportId} FOR UPDATE`;
    if (!e || e.status !== "RUNNING") return false;
    await releaseReservedBytes(tx, e.tenantId, e.held);
    await reserveStoredBytes(tx, e.tenantId, bytes, EXPORT_OUTPUT);
    await tx.queryExport.update({ where: { id: exportId }, data: { storageReservedBytes: bytes } });
    return true;
  });
}
