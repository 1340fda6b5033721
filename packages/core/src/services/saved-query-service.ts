import { z } from "zod";
import { CHART_KINDS } from "@scrollintel/shared/chart-spec";
import { Prisma, type Db, type Tx } from "../db/client";
import { tenantTx } from "../db/scoped";
import { sqlTenantReadOnce } from "../db/sql";
import { DomainError, notFound } from "../errors";
import { checkSqlText } from "../sql-check";
import { hasPermission, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

/** A chart as saved with a query: which columns go where. */
export const ZChartSpec = z.object({
  kind: z.enum(CHART_KINDS),
  x: z.string().max(300),
  y: z.array(z.string().max(300)).max(12),
  series: z.string().max(300).nullable().default(null),
});
export type ChartSpec = z.infer<typeof ZChartSpec>;

export const ZSavedQueryInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(""),
  sql: z.string().max(100_000),
  chart: ZChartSpec.nullable().default(null),
  shared: z.boolean().default(false),
});
export type SavedQueryInput = z.infer<typeof ZSavedQueryInput>;

/** A change to a saved query: only the fields given change (no defaults, unlike ZSavedQueryInput). */
export const ZSavedQueryPatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  sql: z.string().max(100_000).optional(),
  chart: ZChartSpec.nullable().optional(),
  shared: z.boolean().optional(),
});
export type SavedQueryPatch = z.infer<typeof ZSavedQueryPatch>;

const SELECT = {
  id: true,
  name: true,
  description: true,
  sql: true,
  chart: true,
  shared: true,
  ownerId: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** A row as SELECT picks it. */
interface SavedQueryRow {
  id: string;
  name: string;
  description: string;
  sql: string;
  chart: unknown;
  shared: boolean;
  ownerId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Saved queries the caller may see: their own, and everything shared within the tenant. */
function visibleTo(ctx: TenantCtx) {
  return { tenantId: ctx.tenantId, OR: [{ ownerId: ctx.actor.id }, { shared: true }] };
}

function present<T extends { ownerId: string; chart: unknown }>(ctx: TenantCtx, q: T) {
  return { ...q, chart: (q.chart ?? null) as ChartSpec | null, mine: q.ownerId === ctx.actor.id };
}

export async function findSavedQueries(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "query.read");
  // Plain SQL in one round trip (db/sql.ts): the query page lists these on every visit.
  const rows = await sqlTenantReadOnce<SavedQueryRow>(
    db,
    ctx.tenantId,
    (lit) =>
      `SELECT id, name, description, sql, chart, shared, "ownerId", "createdAt", "updatedAt"
         FROM "SavedQuery"
        WHERE "tenantId" = ${lit(ctx.tenantId)} AND ("ownerId" = ${lit(ctx.actor.id)} OR shared)
        ORDER BY "updatedAt" DESC LIMIT 500`,
  );
  return rows.map((q) => present(ctx, q));
}

export async function getSavedQueryById(db: Db, ctx: TenantCtx, id: string) {
  requirePermission(ctx, "query.read");
  const q = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.savedQuery.findFirst({ where: { id, ...visibleTo(ctx) }, select: SELECT }),
  );
  if (!q) throw notFound("saved query");
  return present(ctx, q);
}

export async function createSavedQuery(db: Db, ctx: TenantCtx, input: SavedQueryInput) {
  requirePermission(ctx, "query.run");
  const sql = checkSqlText(input.sql);
  const q = await tenantTx(db, ctx.tenantId, async (tx) => {
    const row = await tx.savedQuery.create({
      data: { ...input, sql, chart: input.chart ?? undefined, tenantId: ctx.tenantId, ownerId: ctx.actor.id },
      select: SELECT,
    });
    await appendAudit(tx, auditFromCtx(ctx, "savedQuery.create", row.id, { name: row.name, shared: row.shared }));
    return row;
  });
  return present(ctx, q);
}

/** The owner may change anything; others see a shared query but may not change it. */
async function ownedForWrite(tx: Tx, ctx: TenantCtx, id: string, allowAdmin: boolean) {
  const q = await tx.savedQuery.findFirst({ where: { id, ...visibleTo(ctx) }, select: { id: true, ownerId: true } });
  if (!q) throw notFound("saved query");
  const admin = allowAdmin && hasPermission(ctx, "member.manage");
  if (q.ownerId !== ctx.actor.id && !admin) {
    throw new DomainError("FORBIDDEN", "Only the owner can change this saved query; save a copy instead.");
  }
  return q;
}

export async function updateSavedQuery(db: Db, ctx: TenantCtx, id: string, input: SavedQueryPatch) {
  requirePermission(ctx, "query.run");
  const sql = input.sql === undefined ? undefined : checkSqlText(input.sql);
  const q = await tenantTx(db, ctx.tenantId, async (tx) => {
    await ownedForWrite(tx, ctx, id, false);
    const { chart, ...rest } = input;
    const row = await tx.savedQuery.update({
      where: { id },
      data: { ...rest, sql, ...(chart === undefined ? {} : { chart: chart ?? Prisma.DbNull }) },
      select: SELECT,
    });
    const changed = Object.keys(input).filter((k) => input[k as keyof SavedQueryPatch] !== undefined);
    await appendAudit(tx, auditFromCtx(ctx, "savedQuery.update", id, { changed, shared: row.shared }));
    return row;
  });
  return present(ctx, q);
}

/** The owner, or a tenant admin tidying up shared queries, may delete. */
export async function deleteSavedQuery(db: Db, ctx: TenantCtx, id: string): Promise<{ id: string }> {
  requirePermission(ctx, "query.run");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    await ownedForWrite(tx, ctx, id, true);
    await tx.savedQuery.delete({ where: { id } });
    await appendAudit(tx, auditFromCtx(ctx, "savedQuery.delete", id));
  });
  return { id };
}
