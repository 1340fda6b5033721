import type { Db, Tx } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { ROLE_PERMISSIONS, ROLES, type RoleName } from "../roles";
import { hasPermission, requireGrantable, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

export async function findMembers(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "dataset.read");
  const rows = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.membership.findMany({
      where: { tenantId: ctx.tenantId },
      include: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
  );
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    since: m.createdAt,
    // What row filters read as `user.<name>`; shown to those who manage access.
    attributes: hasPermission(ctx, "access.manage") ? (m.attributes as Record<string, string>) : null,
  }));
}

async function ownerCount(tx: Tx, tenantId: string): Promise<number> {
  return tx.membership.count({ where: { tenantId, role: "OWNER" } });
}

/**
 * Only an owner may make or unmake owners; a tenant always keeps at least one
 * owner. Another tenant's user is NOT_FOUND.
 */
export async function changeMemberRole(
  db: Db,
  ctx: TenantCtx,
  input: { userId: string; role: RoleName },
): Promise<void> {
  requirePermission(ctx, "member.manage");
  if (!ROLES.includes(input.role)) throw new DomainError("BAD_REQUEST", "Unknown role.");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const m = await tx.membership.findFirst({ where: { tenantId: ctx.tenantId, userId: input.userId } });
    if (!m) throw notFound("member");
    if (m.role === input.role) return;
    if ((m.role === "OWNER" || input.role === "OWNER") && ctx.role !== "OWNER") {
      throw new DomainError("FORBIDDEN", "Only an owner can grant or remove the owner role.");
    }
    // At most what the caller holds is given, and only to someone who holds no more than the caller.
    requireGrantable(ctx, ROLE_PERMISSIONS[input.role], `the ${input.role} role`);
    requireGrantable(ctx, ROLE_PERMISSIONS[m.role], `a change to a member with the ${m.role} role`);
    if (m.role === "OWNER" && (await ownerCount(tx, ctx.tenantId)) <= 1) {
      throw new DomainError("CONFLICT", "A workspace needs at least one owner; make someone else owner first.");
    }
    await tx.membership.update({ where: { id: m.id }, data: { role: input.role } });
    await appendAudit(tx, auditFromCtx(ctx, "member.role_change", input.userId, { from: m.role, to: input.role }));
  });
}

export async function removeMember(db: Db, ctx: TenantCtx, input: { userId: string }): Promise<void> {
  requirePermission(ctx, "member.manage");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const m = await tx.membership.findFirst({ where: { tenantId: ctx.tenantId, userId: input.userId } });
    if (!m) throw notFound("member");
    if (m.role === "OWNER" && ctx.role !== "OWNER")
      throw new DomainError("FORBIDDEN", "Only an owner can remove an owner.");
    if (m.role === "OWNER" && (await ownerCount(tx, ctx.tenantId)) <= 1) {
      throw new DomainError("CONFLICT", "The last owner cannot be removed.");
    }
    await tx.membership.delete({ where: { id: m.id } });
    await appendAudit(tx, auditFromCtx(ctx, "member.remove", input.userId, { role: m.role }));
  });
}
