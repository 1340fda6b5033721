import { z } from "zod";
import { resolveUserTenant } from "@scrollintel/core/services/auth-service";
import { setTenantCookie } from "@/server/auth/tenant-cookie";
import { userProcedure } from "../../init";

/** Makes another of the caller's workspaces the active one (NOT_FOUND if not a member). */
export const switchTenant = userProcedure
  .input(z.object({ slug: z.string().min(1).max(64) }))
  .mutation(async ({ ctx, input }) => {
    const t = await resolveUserTenant(ctx.db, {
      userId: ctx.caller.userId,
      tenantSlug: input.slug,
      actor: { type: "USER", id: ctx.caller.userId },
    });
    setTenantCookie(ctx.resHeaders, t.slug);
    return { slug: t.slug };
  });
