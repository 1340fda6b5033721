import type { Tx } from "../db/client";
import { datasetsFingerprint, queryCacheKey } from "../query-cache-key";
import type { TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { presentQueryRun, type QueryRunView } from "./query-run-view";
import { meterUsage } from "./usage-service";
import { DATA_POLICY, findVisibleDatasets } from "./visible-datasets";

/** The cache key of `sql` for this tenant now, and the fingerprint of the dataset versions it covers. */
export async function cacheKeyFor(tx: Tx, ctx: TenantCtx, sql: string) {
  const fingerprint = datasetsFingerprint(await findVisibleDatasets(tx, ctx.tenantId));
  return { fingerprint, cacheKey: queryCacheKey({ sql, fingerprint, policy: DATA_POLICY }) };
}

/**
 * A cache hit: a new SUCCEEDED run (so history and audit see it) that shares
 * the stored result of the run that computed it. Scans nothing, so it meters
 * a query but no bytes. Null when nothing in the tenant matches.
 */
export async function createRunFromCache(
  tx: Tx,
  ctx: TenantCtx,
  input: { sql: string; cacheKey: string; savedQueryId: string | null; started: number },
): Promise<QueryRunView | null> {
  const hit = await tx.queryRun.findFirst({
    where: { tenantId: ctx.tenantId, cacheKey: input.cacheKey, status: "SUCCEEDED", cachedFromId: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, columns: true, rowCount: true, resultKey: true, resultBytes: true, previewRows: true },
  });
  if (!hit?.resultKey) return null;
  const now = new Date();
  const run = await tx.queryRun.create({
    data: {
      tenantId: ctx.tenantId,
      userId: ctx.actor.id,
      sql: input.sql,
      status: "SUCCEEDED",
      columns: hit.columns as object,
      rowCount: hit.rowCount,
      resultKey: hit.resultKey,
      resultBytes: hit.resultBytes,
      scanBytes: 0n,
      cacheKey: input.cacheKey,
      cachedFromId: hit.id,
      savedQueryId: input.savedQueryId,
      durationMs: Math.round(performance.now() - input.started),
      finishedAt: now,
    },
  });
  await meterUsage(tx, ctx.tenantId, [{ kind: "QUERIES", amount: 1n, ref: run.id }]);
  await appendAudit(tx, auditFromCtx(ctx, "query.run", run.id, { sql: input.sql.slice(0, 2000), cachedFrom: hit.id }));
  return presentQueryRun(run, hit.previewRows);
}
