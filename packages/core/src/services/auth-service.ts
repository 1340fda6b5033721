import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { verifyPassword } from "../passwords";
import type { RoleName } from "../roles";
import type { Actor, TenantCtx } from "../tenant-context";
import { recordAudit } from "./audit-service";
import { systemTx } from "../db/scoped";
import { sqlSystemReadOnce, sqlSystemTx } from "../db/sql";
import {
  clearAccountFailures,
  findSignInLock,
  recordSignInFailure,
  SIGN_IN_LIMITS,
  throttleKeys,
} from "./sign-in-throttle-service";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  /** Goes into the session token; see session-service.ts. */
  sessionVersion: number;
}

export type SignInResult =
  { ok: true; user: SessionUser } | { ok: false; reason: "invalid" } | { ok: false; reason: "locked"; retryAt: Date };

// Compared against when the e-mail is unknown, so both paths take as long.
const DUMMY_HASH = "$2b$10$LBHChUrSaFwVx9oaWhcBXupguRvRCi4PbdRxWUg3dUeG6gpI9OD2y";

/**
 * Checks e-mail and password under the sign-in throttle (per account and per
 * IP): while either is locked the password is not even checked, so the right
 * one is refused too. Success, failure and lockout go to the user's tenants'
 * audit logs.
 */
export async function authenticateUser(
  db: Db,
  input: { email: string; password: string; ip?: string | null; userAgent?: string | null; now?: Date },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const now = input.now ?? new Date();
  const keys = throttleKeys({ email, ip: input.ip });
  const lock = await sqlSystemTx(db, (sql) =>
    findSignInLock(
      sql,
      keys.map((k) => k.key),
      now,
    ),
  );
  if (lock) return { ok: false, reason: "locked", retryAt: lock };
  const user = await systemTx(db, (tx) => tx.user.findUnique({ where: { email }, include: { memberships: true } }));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  const actor: Actor | null = user ? { type: "USER", id: user.id, ip: input.ip, userAgent: input.userAgent } : null;
  const audit = async (action: string, metadata?: Record<string, unknown>) => {
    for (const m of user?.memberships ?? []) {
      await recordAudit(db, { tenantId: m.tenantId, actor: actor!, action, target: user!.id, metadata });
    }
  };
  if (ok && user) {
    await sqlSystemTx(db, (sql) => clearAccountFailures(sql, email, now));
    await audit("auth.signin");
    const { id, name, isPlatformAdmin, sessionVersion } = user;
    return { ok: true, user: { id, email: user.email, name, isPlatformAdmin, sessionVersion } };
  }
  const locks = await sqlSystemTx(db, async (sql) => {
    const out: { kind: string; until: Date }[] = [];
    for (const k of keys) {
      const until = await recordSignInFailure(sql, {
        key: k.key,
        maxFailures: SIGN_IN_LIMITS[k.kind].maxFailures,
        now,
      });
      if (until) out.push({ kind: k.kind, until });
    }
    return out;
  });
  await audit("auth.signin_failed");
  if (!locks.length) return { ok: false, reason: "invalid" };
  const retryAt = new Date(Math.max(...locks.map((l) => l.until.getTime())));
  await audit("auth.locked", { by: locks.map((l) => l.kind), until: retryAt.toISOString() });
  return { ok: false, reason: "locked", retryAt };
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

/** A membership as tenant resolution reads it. */
export interface UserTenantRow {
  tenantId: string;
  role: string;
  slug: string;
  name: string;
  status: string;
}

/** The user's membership in the tenant named by `slug` (or their first), as a select over `m` and `t`. */
function membershipSql(userIdSql: string, slug: string | null | undefined, lit: (v: string) => string): string {
  return `SELECT m."tenantId", m.role::text AS role, t.slug, t.name, t.status::text AS status
         FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId"
        WHERE m."userId" = ${userIdSql}${slug != null ? ` AND t.slug = ${lit(slug)}` : ""}
        ORDER BY m."createdAt" ASC LIMIT 1`;
}

/**
 * The caller's context in the tenant they asked for (by slug), or in their
 * first tenant. A slug they are not a member of is NOT_FOUND. With `found`
 * (the membership readSessionAndTenant read for this request) nothing more is read.
 */
export async function resolveUserTenant(
  db: Db,
  input: { userId: string; tenantSlug?: string | null; actor: Actor },
  found?: { row: UserTenantRow | null },
): Promise<TenantCtx & { slug: string; name: string }> {
  // Plain SQL (db/sql.ts) in one round trip: every tenant request of a signed-in user asks this.
  const m = found
    ? found.row
    : (await sqlSystemReadOnce<UserTenantRow>(db, (lit) => membershipSql(lit(input.userId), input.tenantSlug, lit)))[0];
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

/**
 * What every signed-in request asks first, in one round trip: the user's
 * session row (is the token's session version still current, is the user a
 * platform admin) and their membership in the tenant the request names.
 * Neither is cached: a sign-out or a removed membership applies to the next request.
 */
export async function readSessionAndTenant(
  db: Db,
  input: { userId: string; tenantSlug: string | null },
): Promise<{ session: { sessionVersion: number; isPlatformAdmin: boolean } | null; tenant: UserTenantRow | null }> {
  const [r] = await sqlSystemReadOnce<
    { sessionVersion: number; isPlatformAdmin: boolean } & { [K in keyof UserTenantRow]: string | null }
  >(
    db,
    (lit) =>
      `SELECT u."sessionVersion", u."isPlatformAdmin", mt.*
         FROM "User" u
         LEFT JOIN LATERAL (${membershipSql("u.id", input.tenantSlug, lit)}) mt ON true
        WHERE u.id = ${lit(input.userId)}`,
  );
  if (!r) return { session: null, tenant: null };
  const { sessionVersion, isPlatformAdmin, tenantId, role, slug, name, status } = r;
  return {
    session: { sessionVersion, isPlatformAdmin },
    tenant: tenantId === null ? null : { tenantId, role: role!, slug: slug!, name: name!, status: status! },
  };
}
