import type { Sql } from "../db/sql";
import { utc } from "../db/sql";
import { newId } from "../keys";
import { datasetsFingerprint, queryCacheKey } from "../query-cache-key";
import type { TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { presentQueryRun, QUERY_RUN_COLUMNS, type QueryRunView } from "./query-run-view";
import { meterUsage } from "./usage-service";
import { DATA_POLICY, findVisibleDatasets } from "./visible-datasets";

/** The cache key of `sql` for this tenant now, and the fingerprint of the dataset versions it covers. */
export async function cacheKeyFor(sql: Sql, ctx: TenantCtx, text: string) {
  const fingerprint = datasetsFingerprint(await findVisibleDatasets(sql, ctx.tenantId));
  return { fingerprint, cacheKey: queryCacheKey({ sql: text, fingerprint, policy: DATA_POLICY }) };
}

/**
 * A cache hit: a new SUCCEEDED run (so history and audit see it) that shares
 * the stored result of the newest run that computed it, found and copied in
 * one statement. Scans nothing, so it meters a query but no bytes. Null when
 * nothing in the tenant matches.
 */
export async function createRunFromCache(
  sql: Sql,
  ctx: TenantCtx,
  input: { sql: string; cacheKey: string; savedQueryId: string | null; started: number },
): Promise<QueryRunView | null> {
  const now = utc(new Date());
  const [row] = await sql.query<Parameters<typeof presentQueryRun>[0] & { sourcePreview: unknown }>(
    `WITH hit AS (
       SELECT id, columns, "rowCount", "resultKey", "resultBytes", "previewRows"
         FROM "QueryRun"
        WHERE "tenantId" = $1 AND "cacheKey" = $2 AND status = 'SUCCEEDED' AND "cachedFromId" IS NULL
          AND "resultKey" IS NOT NULL
        ORDER BY "createdAt" DESC LIMIT 1),
     r AS (
       INSERT INTO "QueryRun" (id, "tenantId", "userId", sql, status, columns, "rowCount", "resultKey", "resultBytes",
                               "scanBytes", "cacheKey", "cachedFromId", "savedQueryId", "durationMs", "createdAt", "finishedAt")
       SELECT $3, $1, $4, $5, 'SUCCEEDED', hit.columns, hit."rowCount", hit."resultKey", hit."resultBytes",
              0, $2, hit.id, $6, $7::int, $8::timestamptz AT TIME ZONE 'UTC', $8::timestamptz AT TIME ZONE 'UTC'
         FROM hit
       RETURNING *)
     SELECT ${QUERY_RUN_COLUMNS}, hit."previewRows" AS "sourcePreview" FROM r, hit`,
    [
      ctx.tenantId,
      input.cacheKey,
      newId(),
      ctx.actor.id,
      input.sql,
      input.savedQueryId,
      Math.round(performance.now() - input.started),
      now,
    ],
  );
  if (!row) return null;
  const { sourcePreview, ...run } = row;
  await meterUsage(sql, ctx.tenantId, [{ kind: "QUERIES", amount: 1n, ref: run.id }]);
  await appendAudit(
    sql,
    auditFromCtx(ctx, "query.run", run.id, { sql: input.sql.slice(0, 2000), cachedFrom: run.cachedFromId }),
  );
  return presentQueryRun(run, sourcePreview);
}
