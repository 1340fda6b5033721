import { findMembershipsOfUser } from "@scrollintel/core/services/auth-service";
import { ROLE_PERMISSIONS } from "@scrollintel/core/roles";
import { hasPermission } from "@scrollintel/core/tenant-context";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { authedProcedure } from "../../init";

/** The caller, their workspaces, and the active one with what they may do there. */
export const getMe = authedProcedure.query(async ({ ctx }) => {
  const c = ctx.caller;
  const memberships = c.kind === "user" ? await findMembershipsOfUser(ctx.db, c.userId) : [];
  const hasTenant = c.kind === "apiKey" || memberships.length > 0;
  const active = hasTenant
    ? await resolveTenantCtx(ctx.db, c, {
        ...ctx,
        tenantSlug: memberships.some((m) => m.slug === ctx.tenantSlug) ? ctx.tenantSlug : null,
      })
    : null;
  const activeName = memberships.find((m) => m.slug === active?.slug)?.name ?? active?.slug;
  return {
    user: c.kind === "user" ? { id: c.userId, email: c.email, isPlatformAdmin: c.isPlatformAdmin } : null,
    apiKey: c.kind === "apiKey" ? { id: c.key.keyId, scopes: c.key.scopes } : null,
    memberships,
    active: active && {
      slug: active.slug,
      name: activeName ?? active.slug,
      role: active.role,
      suspended: active.suspended,
      permissions: [...ROLE_PERMISSIONS[active.role]].filter((p) => hasPermission(active, p)),
    },
  };
});
