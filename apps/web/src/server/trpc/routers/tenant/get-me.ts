import { findMembershipsOfUser } from "@scrollintel/core/services/auth-service";
import { ROLE_PERMISSIONS } from "@scrollintel/core/roles";
import { hasPermission, type TenantCtx } from "@scrollintel/core/tenant-context";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { authedProcedure } from "../../init";

/** The caller, their workspaces, and the active one with what they may do there. */
export const getMe = authedProcedure.query(async ({ ctx }) => {
  const c = ctx.caller;
  const memberships = c.kind === "user" ? await findMembershipsOfUser(ctx.db, c.userId) : [];
  // A user's active workspace: the chosen one while still a member, else the oldest
  // membership (as resolveUserTenant picks it), from the list just read. A key's: its tenant.
  let active: (TenantCtx & { slug: string; name: string }) | null = null;
  if (c.kind === "apiKey") {
    const t = await resolveTenantCtx(ctx.db, c, ctx);
    active = { ...t, name: t.slug };
  } else {
    const m = memberships.find((x) => x.slug === ctx.tenantSlug) ?? memberships[0];
    if (m) {
      active = {
        tenantId: m.tenantId,
        slug: m.slug,
        name: m.name,
        role: m.role,
        actor: { type: "USER", id: c.userId },
        suspended: m.status === "SUSPENDED",
        scopes: null,
      };
    }
  }
  return {
    user: c.kind === "user" ? { id: c.userId, email: c.email, isPlatformAdmin: c.isPlatformAdmin } : null,
    apiKey: c.kind === "apiKey" ? { id: c.key.keyId, scopes: c.key.scopes } : null,
    memberships,
    active: active && {
      slug: active.slug,
      name: active.name,
      role: active.role,
      suspended: active.suspended,
      permissions: [...ROLE_PERMISSIONS[active.role]].filter((p) => hasPermission(active, p)),
    },
  };
});
