import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { monthKey } from "../quota";
import type { Actor } from "../tenant-context";
import { appendAudit } from "./audit-service";
import { createInvitation } from "./invitation-service";

// Platform operations: callers are checked as platform admins by the web layer.

export async function findTenantsWithUsage(db: Db) {
  return systemTx(db, async (tx) => {
    const tenants = await tx.tenant.findMany({
      orderBy: { createdAt: "asc" },
      include: { quota: true, _count: { select: { memberships: true, datasets: true } } },
    });
    const monthly = await tx.usageMonthly.findMany({ where: { month: monthKey() } });
    const byTenant = new Map(monthly.map((m) => [m.tenantId, m]));
    return tenants.map((t) => ({
      id: t.id,
      slug: t.slug,
      name: t.name,
      status: t.status,
      createdAt: t.createdAt,
      members: t._count.memberships,
      datasets: t._count.datasets,
      quota: t.quota,
      month: byTenant.get(t.id) ?? null,
    }));
  });
}

export const SLUG = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

/** A new tenant with default quotas and a one-time owner invitation link. */
export async function createTenant(
  db: Db,
  actor: Actor,
  input: {
    slug: string;
    name: string;
    ownerEmail?: string | null;
    quota: { storageBytes: bigint; maxFileBytes: bigint };
  },
) {
  if (!SLUG.test(input.slug)) throw new DomainError("BAD_REQUEST", "Slug: 3–40 lowercase letters, digits or dashes.");
  const tenant = await systemTx(db, async (tx) => {
    if (await tx.tenant.findUnique({ where: { slug: input.slug } })) {
      throw new DomainError("CONFLICT", `A tenant named ${input.slug} exists.`);
    }
    const t = await tx.tenant.create({ data: { slug: input.slug, name: input.name.trim() || input.slug } });
    await tx.tenantQuota.create({
      data: {
        tenantId: t.id,
        storageBytesLimit: input.quota.storageBytes,
        maxFileBytes: input.quota.maxFileBytes,
        ingestBytesMonthLimit: input.quota.storageBytes * 10n,
        scanBytesMonthLimit: input.quota.storageBytes * 100n,
      },
    });
    await appendAudit(tx, { tenantId: t.id, actor, action: "tenant.create", target: t.id, metadata: { slug: t.slug } });
    return t;
  });
  const invite = await createInvitation(
    db,
    { tenantId: tenant.id, role: "OWNER", actor, suspended: false, scopes: null },
    { role: "OWNER", email: input.ownerEmail },
  );
  return { tenant, ownerInviteToken: invite.token };
}

export async function setTenantStatus(
  db: Db,
  actor: Actor,
  input: { tenantId: string; status: "ACTIVE" | "SUSPENDED" },
) {
  await systemTx(db, async (tx) => {
    const t = await tx.tenant.findUnique({ where: { id: input.tenantId } });
    if (!t) throw notFound("tenant");
    if (t.status === input.status) return;
    await tx.tenant.update({ where: { id: t.id }, data: { status: input.status } });
    await appendAudit(tx, {
      tenantId: t.id,
      actor,
      action: input.status === "SUSPENDED" ? "tenant.suspend" : "tenant.reactivate",
      target: t.id,
    });
  });
}

export interface QuotaLimits {
  storageBytesLimit: bigint;
  maxFileBytes: bigint;
  ingestBytesMonthLimit: bigint;
  scanBytesMonthLimit: bigint;
  concurrentJobsLimit: number;
  apiRequestsPerMinute: number;
  queryMemoryLimitMb: number;
  queryTimeoutMs: number;
  querySpillBytesLimit: bigint;
  resultRowsLimit: bigint;
  resultBytesLimit: bigint;
  /** Worker slots the tenant may hold at once while others wait (fair share); at least 1. */
  workerSlots: number;
}

/**
 * Sets limits only: running totals (used, reserved) are never written here, so
 * an edit cannot lose a concurrent reservation. Every check reads the row, so
 * the change applies at once in every process.
 */
export async function updateTenantQuota(db: Db, actor: Actor, tenantId: string, limits: QuotaLimits) {
  for (const [k, v] of Object.entries(limits)) {
    if ((typeof v === "bigint" && v < 0n) || (typeof v === "number" && (v < 0 || !Number.isInteger(v)))) {
      throw new DomainError("BAD_REQUEST", `${k} must be a non-negative whole number.`);
    }
  }
  return systemTx(db, async (tx) => {
    const before = await tx.tenantQuota.findUnique({ where: { tenantId } });
    if (!before) throw notFound("tenant");
    const after = await tx.tenantQuota.update({ where: { tenantId }, data: limits });
    const changed = Object.fromEntries(
      (Object.keys(limits) as (keyof QuotaLimits)[])
        .filter((k) => before[k] !== after[k])
        .map((k) => [k, { from: before[k], to: after[k] }]),
    );
    await appendAudit(tx, {
      tenantId,
      actor,
      action: "quota.update",
      target: tenantId,
      metadata: changed, // appendAudit makes it JSON-safe
    });
    return after;
  });
}
