import type { Db } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { readRetentionPolicy, RETENTION_BOUNDS, ZRetentionPolicy, type RetentionPolicy } from "../retention-policy";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { findRetainedData, GOING_WINDOW_HOURS, type RetainedData } from "./retained-data";

export interface RetentionView {
  policy: RetentionPolicy;
  bounds: typeof RETENTION_BOUNDS;
  /** What the tenant keeps now, for how long, and what goes within the next `windowHours`. */
  kept: RetainedData[];
  windowHours: number;
}

/** The tenant's retention policy, the platform's bounds on it, and what it keeps under it. */
export async function getRetention(db: Db, ctx: TenantCtx, now = new Date()): Promise<RetentionView> {
  requirePermission(ctx, "quota.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const policy = await readRetentionPolicy(tx, ctx.tenantId);
    const kept = await findRetainedData(tx, ctx.tenantId, policy, now);
    return { policy, bounds: RETENTION_BOUNDS, kept, windowHours: GOING_WINDOW_HOURS };
  });
}

/**
 * A tenant admin changes some of the policy; every field must stay within
 * the platform's bounds (BAD_REQUEST naming the field and the bounds
 * otherwise). The change is audited with the values before and after.
 */
export async function updateRetention(
  db: Db,
  ctx: TenantCtx,
  patch: Partial<RetentionPolicy>,
): Promise<RetentionPolicy> {
  requirePermission(ctx, "retention.manage");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const before = await readRetentionPolicy(tx, ctx.tenantId);
    const parsed = ZRetentionPolicy.safeParse({ ...before, ...definedOnly(patch) });
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? "") as keyof typeof RETENTION_BOUNDS;
      const b = RETENTION_BOUNDS[field];
      throw new DomainError(
        "BAD_REQUEST",
        b ? `${field} must be a whole number from ${b.min} to ${b.max}.` : "The retention policy is not valid.",
      );
    }
    const after = parsed.data;
    await tx.tenantRetention.upsert({
      where: { tenantId: ctx.tenantId },
      create: { tenantId: ctx.tenantId, ...after },
      update: after,
    });
    await appendAudit(tx, auditFromCtx(ctx, "retention.update", ctx.tenantId, { before, after }));
    return after;
  });
}

/** Fields the caller left out keep their value; null is a value ("no limit"). */
function definedOnly(patch: Partial<RetentionPolicy>): Partial<RetentionPolicy> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
