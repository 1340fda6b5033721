import { z } from "zod";
import { acceptInvitation as accept } from "@scrollintel/core/services/invitation-service";
import { setTenantCookie } from "@/server/auth/tenant-cookie";
import { userProcedure } from "../../init";

/** A signed-in user joins the invited workspace and switches to it. */
export const acceptInvitation = userProcedure
  .input(z.object({ token: z.string().min(16).max(128) }))
  .mutation(async ({ ctx, input }) => {
    const r = await accept(ctx.db, { token: input.token, userId: ctx.caller.userId });
    setTenantCookie(ctx.resHeaders, r.tenantSlug);
    return r;
  });
