import type { Db } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

/** The tenant's groups with their members (for the access settings and the policy editor). */
export async function findAccessGroups(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "dataset.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const groups = await tx.accessGroup.findMany({
      where: { tenantId: ctx.tenantId },
      orderBy: { name: "asc" },
      include: { members: { select: { userId: true } } },
    });
    return groups.map((g) => ({ id: g.id, name: g.name, userIds: g.members.map((m) => m.userId) }));
  });
}

export async function createAccessGroup(db: Db, ctx: TenantCtx, input: { name: string }) {
  requirePermission(ctx, "access.manage");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const taken = await tx.accessGroup.findFirst({ where: { tenantId: ctx.tenantId, name: input.name } });
    if (taken) throw new DomainError("CONFLICT", `name: a group called ${input.name} already exists.`);
    const g = await tx.accessGroup.create({ data: { tenantId: ctx.tenantId, name: input.name } });
    await appendAudit(tx, auditFromCtx(ctx, "access.group.create", g.id, { name: g.name }));
    return { id: g.id, name: g.name };
  });
}

export async function deleteAccessGroup(db: Db, ctx: TenantCtx, input: { groupId: string }) {
  requirePermission(ctx, "access.manage");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const g = await tx.accessGroup.findFirst({ where: { id: input.groupId, tenantId: ctx.tenantId } });
    if (!g) throw notFound("group");
    // Policies that named the group keep the id: it then matches nobody (fail closed).
    await tx.accessGroup.delete({ where: { id: g.id } });
    await appendAudit(tx, auditFromCtx(ctx, "access.group.delete", g.id, { name: g.name }));
  });
  return { ok: true };
}

/** Replaces a group's members; every user must be a member of the tenant. */
export async function setAccessGroupMembers(db: Db, ctx: TenantCtx, input: { groupId: string; userIds: string[] }) {
  requirePermission(ctx, "access.manage");
  const userIds = [...new Set(input.userIds)];
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const g = await tx.accessGroup.findFirst({ where: { id: input.groupId, tenantId: ctx.tenantId } });
    if (!g) throw notFound("group");
    const members = await tx.membership.findMany({
      where: { tenantId: ctx.tenantId, userId: { in: userIds } },
      select: { userId: true },
    });
    if (members.length !== userIds.length) throw new DomainError("BAD_REQUEST", "userIds: not all are members here.");
    const before = await tx.accessGroupMember.findMany({ where: { groupId: g.id }, select: { userId: true } });
    await tx.accessGroupMember.deleteMany({ where: { groupId: g.id } });
    await tx.accessGroupMember.createMany({
      data: userIds.map((userId) => ({ tenantId: ctx.tenantId, groupId: g.id, userId })),
    });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "access.group.members", g.id, { before: before.map((m) => m.userId), after: userIds }),
    );
  });
  return { ok: true };
}

/** A member's attributes, which row filters read as `user.<name>`. */
export async function setMemberAttributes(
  db: Db,
  ctx: TenantCtx,
  input: { userId: string; attributes: Record<string, string> },
) {
  requirePermission(ctx, "access.manage");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const m = await tx.membership.findFirst({ where: { tenantId: ctx.tenantId, userId: input.userId } });
    if (!m) throw notFound("member");
    await tx.membership.update({ where: { id: m.id }, data: { attributes: input.attributes } });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "access.member.attributes", input.userId, { before: m.attributes, after: input.attributes }),
    );
  });
  return { ok: true };
}
