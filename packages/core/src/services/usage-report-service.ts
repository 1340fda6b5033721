import type { Db } from "../db/client";
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
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const q = await tx.tenantQuota.findUniqueOrThrow({ where: { tenantId: ctx.tenantId } });
    const m = await tx.usageMonthly.findUnique({
      where: { tenantId_month: { tenantId: ctx.tenantId, month: monthKey() } },
    });
    const running = await tx.job.count({ where: { tenantId: ctx.tenantId, status: { in: ["QUEUED", "RUNNING"] } } });
    return {
      quota: { ...q, storageHeadroom: storageHeadroom(q) },
      month: monthKey(),
      ingestBytes: m?.ingestBytes ?? 0n,
      ingestRows: m?.ingestRows ?? 0n,
      scanBytes: m?.scanBytes ?? 0n,
      queries: m?.queries ?? 0,
      activeJobs: running,
    };
  });
}

/** Daily usage per kind over the last `days` days, oldest first, zero-filled. */
export async function findUsageDaily(db: Db, ctx: TenantCtx, days: number) {
  requirePermission(ctx, "quota.read");
  const since = new Date(Date.now() - (days - 1) * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const rows = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.usageDaily.findMany({ where: { tenantId: ctx.tenantId, day: { gte: since } }, orderBy: { day: "asc" } }),
  );
  const out: Array<Record<string, string | number>> = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const point: Record<string, string | number> = { day };
    for (const r of rows.filter((x) => x.day.toISOString().slice(0, 10) === day)) point[r.kind] = Number(r.amount);
    out.push(point);
  }
  return out;
}
