import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { verifyPassword } from "../passwords";
import type { RoleName } from "../roles";
import type { Actor, TenantCtx } from "../tenant-context";
import { recordAudit } from "./audit-service";
import { systemTx } from "../db/scoped";
import { sqlSystemTx } from "../db/sql";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

// Compared against when the e-mail is unknown, so both paths take as long.
const DUMMY_HASH = "$2b$10$LBHChUrSaFwVx9oaWhcBXupguRvRCi4PbdRxWUg3dUeG6gpI9OD2y";

/** Checks e-mail and password; records success and failure in the user's tenants' audit logs. */
export async function authenticateUser(
  db: Db,
  input: { email: string; password: string; ip?: string | null; userAgent?: string | null },
): Promise<SessionUser | null> {
  const email = input.email.trim().toLowerCase();
  const user = await systemTx(db, (tx) => tx.user.findUnique({ where: { email }, include: { memberships: true } }));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user) return null;
  const actor: Actor = { type: "USER", id: user.id, ip: input.ip, userAgent: input.userAgent };
  for (const m of user.memberships) {
    await recordAudit(db, {
      tenantId: m.tenantId,
      actor,
      action: ok ? "auth.signin" : "auth.signin_failed",
      target: user.id,
    });
  }
  return ok ? { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin } : null;
}

export async function findMembershipsOfUser(db: Db, userId: string) {
  const rows = await systemTx(db, (tx) =>
    tx.membership.findMany({
      where: { userId },
      include: { tenant: true },
      orderBy: { createdAt: "asc" },
    }),
  );
  return rows.map((m) => ({
    tenantId: m.tenantId,
    slug: m.tenant.slug,
    name: m.tenant.name,
    role: m.role as RoleName,
    status: m.tenant.status,
  }));
}

/**
 * The caller's context in the tenant they asked for (by slug), or in their
 * first tenant. A slug they are not a member of is NOT_FOUND.
 */
export async function resolveUserTenant(
  db: Db,
  input: { userId: string; tenantSlug?: string | null; actor: Actor },
): Promise<TenantCtx & { slug: string; name: string }> {
  // Plain SQL (db/sql.ts): every tenant request of a signed-in user asks this.
  const [m] = await sqlSystemTx(db, (sql) =>
    sql.query<{ tenantId: string; role: string; slug: string; name: string; status: string }>(
      `SELECT m."tenantId", m.role::text AS role, t.slug, t.name, t.status::text AS status
         FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId"
        WHERE m."userId" = $1 AND ($2::text IS NULL OR t.slug = $2)
        ORDER BY m."createdAt" ASC LIMIT 1`,
      [input.userId, input.tenantSlug ?? null],
    ),
  );
  if (!m)
    throw new DomainError(
      "NOT_FOUND",
      input.tenantSlug ? "workspace not found" : "You are not a member of any workspace.",
    );
  return {
    tenantId: m.tenantId,
    slug: m.slug,
    name: m.name,
    role: m.role as RoleName,
    actor: input.actor,
    suspended: m.status === "SUSPENDED",
    scopes: null,
  };
}
