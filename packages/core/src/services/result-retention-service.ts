import type { Db } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DEFAULT_RETENTION } from "../retention-policy";
import type { StorageDriver } from "../storage/storage-driver";
import { SYSTEM_ACTOR } from "../tenant-context";
import { appendAudit } from "./audit-service";
import { releaseStoredBytes } from "./stored-bytes";

interface ExpiredResult {
  id: string;
  tenantId: string;
  resultKey: string;
}

/**
 * The results-and-exports retention sweep (worker cron): a stored result
 * older than its tenant's `resultDays` loses its object, its exports (objects
 * and rows) and its result pages; runs that shared it by the cache keep their
 * history but no longer offer the result, and its bytes leave the tenant's
 * usage exactly. Objects go first, so a crash in between is finished by the
 * next run. A result with an export or page still being made waits for the next run.
 */
export async function expireStoredResults(
  db: Db,
  storage: StorageDriver,
  opts: { now?: Date; limit?: number } = {},
): Promise<{ results: number; exports: number; releasedBytes: bigint }> {
  const now = opts.now ?? new Date();
  const expired = await systemTx(
    db,
    (tx) => tx.$queryRaw<ExpiredResult[]>`
      SELECT r.id, r."tenantId", r."resultKey" FROM "QueryRun" r
        LEFT JOIN "TenantRetention" p ON p."tenantId" = r."tenantId"
       WHERE r."cachedFromId" IS NULL AND r."resultKey" IS NOT NULL AND r.status = 'SUCCEEDED'
         AND r."finishedAt" + make_interval(days => COALESCE(p."resultDays", ${DEFAULT_RETENTION.resultDays}::int)) < ${now}
         AND NOT EXISTS (SELECT 1 FROM "QueryExport" e WHERE e."queryRunId" = r.id AND e.status IN ('QUEUED', 'RUNNING'))
         AND NOT EXISTS (SELECT 1 FROM "QueryResultPage" g WHERE g."queryRunId" = r.id AND g.status IN ('QUEUED', 'RUNNING'))
       ORDER BY r."finishedAt" LIMIT ${opts.limit ?? 500}`,
  );
  const total = { results: 0, exports: 0, releasedBytes: 0n };
  for (const r of expired) {
    const exportKeys = await systemTx(db, (tx) =>
      tx.queryExport.findMany({ where: { queryRunId: r.id, objectKey: { not: null } }, select: { objectKey: true } }),
    );
    for (const e of exportKeys) await storage.delete(e.objectKey!);
    await storage.delete(r.resultKey);
    const done = await forgetResult(db, r);
    if (!done) continue;
    total.results++;
    total.exports += done.exports;
    total.releasedBytes += done.bytes;
  }
  return total;
}

/** The rows' side of one expired result, in one transaction; null when another sweep got there first. */
async function forgetResult(db: Db, r: ExpiredResult): Promise<{ exports: number; bytes: bigint } | null> {
  return tenantTx(db, r.tenantId, async (tx) => {
    const [run] = await tx.$queryRaw<{ resultBytes: bigint | null; resultKey: string | null }[]>`
      SELECT "resultBytes", "resultKey" FROM "QueryRun" WHERE id = ${r.id} FOR UPDATE`;
    if (!run?.resultKey) return null;
    const exports = await tx.queryExport.findMany({ where: { queryRunId: r.id, tenantId: r.tenantId } });
    const exportBytes = exports.reduce((n, e) => n + (e.status === "SUCCEEDED" ? (e.bytes ?? 0n) : 0n), 0n);
    const bytes = (run.resultBytes ?? 0n) + exportBytes;
    // The run and every cache hit that shared its object: history stays, the result is gone.
    await tx.queryRun.updateMany({
      where: { tenantId: r.tenantId, OR: [{ id: r.id }, { cachedFromId: r.id }] },
      data: { resultKey: null, cacheKey: null },
    });
    await tx.queryExport.deleteMany({ where: { queryRunId: r.id, tenantId: r.tenantId } });
    await tx.queryResultPage.deleteMany({ where: { queryRunId: r.id, tenantId: r.tenantId } });
    await releaseStoredBytes(tx, r.tenantId, bytes);
    await appendAudit(tx, {
      tenantId: r.tenantId,
      actor: SYSTEM_ACTOR,
      action: "retention.result.expired",
      target: r.id,
      metadata: { bytes, exports: exports.length },
    });
    return { exports: exports.length, bytes };
  });
}
