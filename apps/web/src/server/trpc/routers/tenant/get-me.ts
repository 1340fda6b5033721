import { findMembershipsOfUser, resolveUserTenant } from "@scrollintel/core/services/auth-service";
import { ROLE_PERMISSIONS } from "@scrollintel/core/roles";
import { authedProcedure } from "../../init";

/** The signed-in user, their workspaces, and the active one with what they may do there. */
export const getMe = authedProcedure.query(async ({ ctx }) => {
  const memberships = await findMembershipsOfUser(ctx.db, ctx.caller.userId);
  const active = memberships.length
    ? await resolveUserTenant(ctx.db, {
        userId: ctx.caller.userId,
        tenantSlug: memberships.some((m) => m.slug === ctx.tenantSlug) ? ctx.tenantSlug : null,
        actor: { type: "USER", id: ctx.caller.userId },
      })
    : null;
  return {
    user: ctx.caller,
    memberships,
    active: active && {
      slug: active.slug,
      name: active.name,
      role: active.role,
      suspended: active.suspended,
      permissions: [...ROLE_PERMISSIONS[active.role]],
    },
  };
});
