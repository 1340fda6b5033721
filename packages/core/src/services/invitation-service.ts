import { randomBytes } from "node:crypto";
import { hashSecret } from "../api-keys";
import type { Db } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { hashPassword } from "../passwords";
import type { RoleName } from "../roles";
import { SYSTEM_ACTOR, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

const INVITE_DAYS = 7;

/** Stored like an API key's secret: its SHA-256. */
const tokenHash = hashSecret;

/** An invitation link token (shown once; only its hash is stored). */
export async function createInvitation(db: Db, ctx: TenantCtx, input: { role: RoleName; email?: string | null }) {
  requirePermission(ctx, "member.manage");
  if (input.role === "OWNER" && ctx.role !== "OWNER")
    throw new DomainError("FORBIDDEN", "Only an owner can invite owners.");
  const token = randomBytes(24).toString("base64url");
  const inv = await tenantTx(db, ctx.tenantId, async (tx) => {
    const row = await tx.invitation.create({
      data: {
        tenantId: ctx.tenantId,
        role: input.role,
        email: input.email?.trim().toLowerCase() || null,
        tokenHash: tokenHash(token),
        createdBy: ctx.actor.id,
        expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
      },
    });
    await appendAudit(tx, auditFromCtx(ctx, "member.invite", row.id, { role: row.role, email: row.email }));
    return row;
  });
  return { token, invitation: { id: inv.id, role: inv.role, email: inv.email, expiresAt: inv.expiresAt } };
}

export async function findInvitations(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "member.manage");
  return tenantTx(db, ctx.tenantId, (tx) =>
    tx.invitation.findMany({
      where: { tenantId: ctx.tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, role: true, email: true, createdAt: true, expiresAt: true },
    }),
  );
}

export async function revokeInvitation(db: Db, ctx: TenantCtx, id: string): Promise<void> {
  requirePermission(ctx, "member.manage");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id, tenantId: ctx.tenantId } });
    if (!inv) throw notFound("invitation");
    await tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAudit(tx, auditFromCtx(ctx, "member.invite_revoke", id));
  });
}

/** What the invite page shows before accepting; NOT_FOUND for used, revoked or expired links. */
export async function getInvitationByToken(db: Db, token: string) {
  const inv = await systemTx(db, (tx) =>
    tx.invitation.findUnique({ where: { tokenHash: tokenHash(token) }, include: { tenant: true } }),
  );
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt < new Date()) throw notFound("invitation");
  return { tenantName: inv.tenant.name, tenantSlug: inv.tenant.slug, role: inv.role, email: inv.email };
}

/**
 * Joins the invited tenant, as an existing user (userId) or as a new one
 * (email/name/password). One use per link.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; userId?: string; newUser?: { email: string; name: string; password: string } },
): Promise<{ userId: string; tenantSlug: string }> {
  const passwordHash = input.newUser ? await hashPassword(input.newUser.password) : null;
  return systemTx(db, async (tx) => {
    const inv = await tx.invitation.findUnique({
      where: { tokenHash: tokenHash(input.token) },
      include: { tenant: true },
    });
    if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt < new Date()) throw notFound("invitation");
    let userId = input.userId;
    if (!userId && input.newUser && passwordHash) {
      const email = input.newUser.email.trim().toLowerCase();
      if (inv.email && inv.email !== email) throw new DomainError("FORBIDDEN", `This invitation is for ${inv.email}.`);
      if (await tx.user.findUnique({ where: { email } })) {
        throw new DomainError(
          "CONFLICT",
          "An account with this email exists: sign in first, then open the link again.",
        );
      }
      userId = (await tx.user.create({ data: { email, name: input.newUser.name.trim(), passwordHash } })).id;
    }
    if (!userId) throw new DomainError("BAD_REQUEST", "Sign in or create an account to accept.");
    const claimed = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null },
      data: { acceptedAt: new Date(), acceptedBy: userId },
    });
    if (claimed.count !== 1) throw notFound("invitation");
    const existing = await tx.membership.findUnique({ where: { tenantId_userId: { tenantId: inv.tenantId, userId } } });
    if (!existing) await tx.membership.create({ data: { tenantId: inv.tenantId, userId, role: inv.role } });
    await appendAudit(tx, {
      tenantId: inv.tenantId,
      actor: { ...SYSTEM_ACTOR, type: "USER", id: userId },
      action: "member.join",
      target: userId,
      metadata: { role: inv.role, invitationId: inv.id, alreadyMember: !!existing },
    });
    return { userId, tenantSlug: inv.tenant.slug };
  });
}
