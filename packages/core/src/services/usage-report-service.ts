import type { Db } from "../db/client";
import type { TenantQuota } from "../db/generated/browser";
import { sqlTenantReadOnce } from "../db/sql";
import { notFound } from "../errors";
import { systemTx, tenantTx } from "../db/scoped";
import { monthKey, storageHeadroom } from "../quota";
import { requirePermission, type TenantCtx } from "../tenant-context";

/**
 * Rolls the append-only ledger up into UsageDaily for the last `days` days
 * (recomputed, so re-running is harmless and late events are picked up).
 */
export async function rollupUsageDaily(db: Db, days = 2): Promise<number> {
  return systemTx(
    db,
    (tx) =>
      tx.$executeRaw`
      INSERT INTO "UsageDaily" ("tenantId", day, kind, amount)
      SELECT "tenantId", date_trunc('day', "createdAt")::date, kind, sum(amount)
        FROM "UsageEvent"
       WHERE "createdAt" >= date_trunc('day', now()) - make_interval(days => ${days - 1})
       GROUP BY 1, 2, 3
      ON CONFLICT ("tenantId", day, kind) DO UPDATE SET amount = EXCLUDED.amount`,
  );
}

/** Quota limits beside this month's usage, for meters. */
export async function getUsageSummary(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "quota.read");
  // Plain SQL in one round trip (db/sql.ts): the usage meters ask this on every page of the app.
  const month = monthKey();
  const [r] = await sqlTenantReadOnce<TenantQuota & UsageRow>(
    db,
    ctx.tenantId,
    (lit) =>
      `SELECT q.*,
              u."ingestBytes" AS "u_ingestBytes", u."ingestRows" AS "u_ingestRows",
              u."scanBytes" AS "u_scanBytes", u.queries AS "u_queries",
              (SELECT count(*)::int FROM "Job" j
                WHERE j."tenantId" = q."tenantId" AND j.status IN ('QUEUED', 'RUNNING')) AS "u_activeJobs"
         FROM "TenantQuota" q
         LEFT JOIN "UsageMonthly" u ON u."tenantId" = q."tenantId" AND u.month = ${lit(month)}
        WHERE q."tenantId" = ${lit(ctx.tenantId)}`,
  );
  if (!r) throw notFound("quota");
  const { u_ingestBytes, u_ingestRows, u_scanBytes, u_queries, u_activeJobs, ...q } = r;
  return {
    quota: { ...q, storageHeadroom: storageHeadroom(q) },
    month,
    ingestBytes: u_ingestBytes ?? 0n,
    ingestRows: u_ingestRows ?? 0n,
    scanBytes: u_scanBytes ?? 0n,
    queries: u_queries ?? 0,
    activeJobs: u_activeJobs,
  };
}

interface UsageRow {
  u_ingestBytes: bigint | null;
  u_ingestRows: bigint | null;
  u_scanBytes: bigint | null;
  u_queries: number | null;
  u_activeJobs: number;
}

/**
 * The roll-up runs every few minutes and recomputes the last two days, so
 * those two are read live from the ledger (indexed by tenant, kind, time):
 * the charts are current the moment an ingest or query is metered and never
 * behind the monthly totals. Older days come from UsageDaily.
 */
const LIVE_DAYS = 2;

/** Daily usage per kind over the last `days` days, oldest first, zero-filled. */
export async function findUsageDaily(db: Db, ctx: TenantCtx, days: number) {
  requirePermission(ctx, "quota.read");
  const since = new Date(Date.now() - (days - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const liveFrom = new Date(Date.now() - (LIVE_DAYS - 1) * 86_400_000);
  liveFrom.setUTCHours(0, 0, 0, 0);
  const rows = await tenantTx(db, ctx.tenantId, async (tx) => {
    const rolled = await tx.usageDaily.findMany({
      where: { tenantId: ctx.tenantId, day: { gte: since, lt: liveFrom } },
      orderBy: { day: "asc" },
    });
    const live = await tx.$queryRaw<Array<{ day: Date; kind: string; amount: bigint }>>`
      SELECT date_trunc('day', "createdAt")::date AS day, kind, sum(amount)::bigint AS amount
        FROM "UsageEvent"
       WHERE "tenantId" = ${ctx.tenantId} AND "createdAt" >= (${(since > liveFrom ? since : liveFrom).toISOString()}::timestamptz AT TIME ZONE 'UTC')
       GROUP BY 1, 2`;
    return [...rolled, ...live];
  });
  const out: Array<Record<string, string | number>> = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const point: Record<string, string | number> = { day };
    for (const r of rows.filter((x) => x.day.toISOString().slice(0, 10) === day)) point[r.kind] = Number(r.amount);
    out.push(point);
  }
  return out;
}
