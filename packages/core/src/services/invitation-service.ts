import { randomBytes } from "node:crypto";
import { hashSecret } from "../api-keys";
import type { Db, Tx } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { hashPassword, verifyPassword } from "../passwords";
import { ROLE_PERMISSIONS, type RoleName } from "../roles";
import { SYSTEM_ACTOR, requireGrantable, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";

const INVITE_DAYS = 7;

/** Stored like an API key's secret: its SHA-256. */
const tokenHash = hashSecret;

/** An invitation link token (shown once; only its hash is stored). */
export async function createInvitation(db: Db, ctx: TenantCtx, input: { role: RoleName; email?: string | null }) {
  requirePermission(ctx, "member.manage");
  if (input.role === "OWNER" && ctx.role !== "OWNER")
    throw new DomainError("FORBIDDEN", "Only an owner can invite owners.");
  // An invitation gives at most what the inviter holds (an API key: its scopes, too).
  requireGrantable(ctx, ROLE_PERMISSIONS[input.role], `the ${input.role} role`);
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

/** Compared against when no account has the e-mail, so both answers cost the same bcrypt work. */
const DUMMY_HASH = "$2b$10$j1nPYUWEBSQmK.MvUchvo.nvH2h62ToZwdYUkF5HkAuXquQoXk4/K";

type NewUser = { email: string; name: string; password: string };

/**
 * The account a new-user acceptance joins: a new one for a new e-mail, the
 * existing one only when the password is that account's own (proof it is
 * theirs), else none. The caller answers the same way in all three cases, so
 * the answer never tells whether an account exists.
 */
async function accountForNewUser(
  tx: Tx,
  invitedEmail: string | null,
  u: NewUser & { passwordHash: string },
): Promise<string | null> {
  const email = u.email.trim().toLowerCase();
  if (invitedEmail && invitedEmail !== email)
    throw new DomainError("FORBIDDEN", `This invitation is for ${invitedEmail}.`);
  const existing = await tx.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  // One hash (by the caller) and one comparison either way: the time taken tells nothing either.
  const matches = await verifyPassword(u.password, existing?.passwordHash ?? DUMMY_HASH);
  if (existing) return matches ? existing.id : null;
  return (await tx.user.create({ data: { email, name: u.name.trim(), passwordHash: u.passwordHash } })).id;
}

/** A signed-in user may accept only an invitation addressed to their own e-mail (or to nobody in particular). */
async function requireInvitedUser(tx: Tx, invitedEmail: string | null, userId: string): Promise<void> {
  if (!invitedEmail) return;
  const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (user?.email.trim().toLowerCase() !== invitedEmail) {
    throw new DomainError(
      "FORBIDDEN",
      `This invitation is for ${invitedEmail}; sign in with that address to accept it.`,
    );
  }
}

/**
 * Joins the invited tenant, as an existing user (userId) or as a new one
 * (email/name/password). One use per link; bound to its e-mail, when it has
 * one, for everyone. A new-user acceptance for an e-mail that has an account
 * answers like any other (userId null when nothing was joined).
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; userId?: string; newUser?: NewUser },
): Promise<{ userId: string | null; tenantSlug: string }> {
  // Hashed before the transaction, so it is not held open for bcrypt's work.
  const passwordHash = input.newUser ? await hashPassword(input.newUser.password) : null;
  return systemTx(db, async (tx) => {
    const inv = await tx.invitation.findUnique({
      where: { tokenHash: tokenHash(input.token) },
      include: { tenant: true },
    });
    if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt < new Date()) throw notFound("invitation");
    let userId = input.userId ?? null;
    if (userId) await requireInvitedUser(tx, inv.email, userId);
    else if (input.newUser && passwordHash) {
      userId = await accountForNewUser(tx, inv.email, { ...input.newUser, passwordHash });
      if (!userId) return { userId: null, tenantSlug: inv.tenant.slug };
    }
    if (!userId) throw new DomainError("BAD_REQUEST", "Sign in or create an account to accept.");
    await joinTenant(tx, inv, userId);
    return { userId, tenantSlug: inv.tenant.slug };
  });
}

async function joinTenant(tx: Tx, inv: { id: string; tenantId: string; role: RoleName }, userId: string) {
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
}
