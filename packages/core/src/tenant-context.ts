import { DomainError } from "./errors";
import { can, type Permission, type RoleName } from "./roles";

export type ActorType = "USER" | "API_KEY" | "SYSTEM";

/** Who is acting, and from where: copied into every audit event. */
export interface Actor {
  type: ActorType;
  id: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** What every tenant-scoped service function is handed: resolved by the caller's auth, never from input. */
export interface TenantCtx {
  tenantId: string;
  role: RoleName;
  actor: Actor;
  /** A suspended tenant can sign in and read, but not upload or query. */
  suspended: boolean;
  /** API keys narrow what the role allows; null for a signed-in user. */
  scopes?: ReadonlySet<Permission> | null;
}

export function hasPermission(ctx: TenantCtx, permission: Permission): boolean {
  return can(ctx.role, permission) && (!ctx.scopes || ctx.scopes.has(permission));
}

/** Throws FORBIDDEN unless the caller's role (and key scopes) allow `permission`. */
export function requirePermission(ctx: TenantCtx, permission: Permission): void {
  if (!hasPermission(ctx, permission)) {
    throw new DomainError("FORBIDDEN", `Your role (${ctx.role}) does not allow ${permission}.`);
  }
}

/** Throws FORBIDDEN when the tenant is suspended: new work is refused, reading is not. */
export function requireActive(ctx: TenantCtx): void {
  if (ctx.suspended) {
    throw new DomainError("FORBIDDEN", SUSPENDED_MESSAGE);
  }
}

export const SUSPENDED_MESSAGE =
  "This workspace is suspended: you can read data but not upload, run queries or change anything.";

/** A read leaves the tenant as it was; a write changes it (every tRPC mutation, every upload request). */
export type Access = "read" | "write";

/**
 * The one check every edge (tRPC procedures, tus, plain routes) applies per
 * request: the permission through role and key scopes, and for a write, a
 * tenant that is not suspended.
 */
export function authorize(ctx: TenantCtx, permission: Permission, access: Access): void {
  requirePermission(ctx, permission);
  if (access === "write") requireActive(ctx);
}

/**
 * A principal never grants more than it holds: every permission in `granted`
 * must be one the caller holds itself (its role, narrowed by its key scopes).
 * Throws FORBIDDEN naming what is missing.
 */
export function requireGrantable(ctx: TenantCtx, granted: Iterable<Permission>, what: string): void {
  const missing = [...granted].filter((p) => !hasPermission(ctx, p));
  if (missing.length) {
    throw new DomainError(
      "FORBIDDEN",
      `You cannot grant ${what}: it needs ${missing.join(", ")}, which you do not hold.`,
    );
  }
}

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", id: "system" };
