import type { Sql } from "../db/sql";
import { utc } from "../db/sql";
import { newId } from "../keys";
import { queryCacheKey, readerFingerprint } from "../query-cache-key";
import type { TenantCtx } from "../tenant-context";
import { monthKey } from "../quota";
import { appendAudit, AUDIT_LOCK_SQL, auditFromCtx } from "./audit-service";
import { presentQueryRun, QUERY_RUN_COLUMNS, type QueryRunView } from "./query-run-view";
import { readReaderView } from "./access-read";
import { DATA_POLICY } from "./visible-datasets";

/**
 * The cache key of `sql` for this reader now, the fingerprint of the dataset
 * versions it covers and the reader's access digest: two readers whose
 * policies differ (datasets, masks, filters, attribute values) never share one.
 */
export async function cacheKeyFor(sql: Sql, ctx: TenantCtx, text: string) {
  const view = await readReaderView(sql, ctx.tenantId, ctx.actor.id);
  const fingerprint = readerFingerprint(view.datasets, view.digest);
  const policy = `${DATA_POLICY}:${view.digest}`;
  return { fingerprint, accessDigest: view.digest, cacheKey: queryCacheKey({ sql: text, fingerprint, policy }) };
}

/**
 * A cache hit: a new SUCCEEDED run (so history and audit see it) that shares
 * the stored result of the newest run that computed it. One statement finds
 * and copies it, meters a query (no bytes: it scans nothing) and, only when
 * there was a hit, takes the workspace's audit lock, so the audit append
 * after it is a single insert. Null when nothing in the tenant matches.
 */
export async function createRunFromCache(
  sql: Sql,
  ctx: TenantCtx,
  input: { sql: string; cacheKey: string; accessDigest: string; savedQueryId: string | null; started: number },
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
                               "scanBytes", "cacheKey", "cachedFromId", "savedQueryId", "durationMs", "createdAt", "finishedAt", "accessDigest")
       SELECT $3, $1, $4, $5, 'SUCCEEDED', hit.columns, hit."rowCount", hit."resultKey", hit."resultBytes",
              0, $2, hit.id, $6, $7::int, $8::timestamptz AT TIME ZONE 'UTC', $8::timestamptz AT TIME ZONE 'UTC', $9
         FROM hit
       RETURNING *),
     ev AS (
       INSERT INTO "UsageEvent" ("tenantId", kind, amount, ref, "createdAt")
       SELECT $1, 'QUERIES', 1, r.id, $8::timestamptz AT TIME ZONE 'UTC' FROM r
       RETURNING 1),
     month AS (
       INSERT INTO "UsageMonthly" ("tenantId", month, "ingestBytes", "ingestRows", "scanBytes", "queryMs", queries)
       SELECT $1, $10, 0, 0, 0, 0, 1 FROM r
       ON CONFLICT ("tenantId", month) DO UPDATE SET queries = "UsageMonthly".queries + 1
       RETURNING 1)
     SELECT ${QUERY_RUN_COLUMNS}, hit."previewRows" AS "sourcePreview"
       FROM r CROSS JOIN hit
            -- Referencing r: taken only for a hit (a miss goes on to admission without it).
            CROSS JOIN LATERAL (SELECT 1 AS locked FROM ${AUDIT_LOCK_SQL.replace("$1", 'r."tenantId"')}) l`,
    [
      ctx.tenantId,
      input.cacheKey,
      newId(),
      ctx.actor.id,
      input.sql,
      input.savedQueryId,
      Math.round(performance.now() - input.started),
      now,
      input.accessDigest,
      monthKey(),
    ],
  );
  if (!row) return null;
  const { sourcePreview, ...run } = row;
  await appendAudit(
    sql,
    auditFromCtx(ctx, "query.run", run.id, { sql: input.sql.slice(0, 2000), cachedFrom: run.cachedFromId }),
    { locked: true },
  );
  return presentQueryRun(run, sourcePreview);
}
