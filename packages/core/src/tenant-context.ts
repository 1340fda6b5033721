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
    throw new DomainError("FORBIDDEN", "This workspace is suspended: you can read data but not upload or run queries.");
  }
}

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", id: "system" };
