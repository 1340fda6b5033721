import { z } from "zod";
import { acceptInvitation } from "@scrollintel/core/services/invitation-service";
import { setTenantCookie } from "@/server/auth/tenant-cookie";
import { publicProcedure } from "../../init";

/**
 * Creates an account from an invitation link; the page then signs the new
 * user in. The answer is the same whether or not the e-mail had an account
 * (core's acceptInvitation), so it tells nobody which e-mails are registered.
 */
export const acceptAsNewUser = publicProcedure
  .input(
    z.object({
      token: z.string().min(16).max(128),
      email: z.email().max(254),
      name: z.string().trim().min(1).max(100),
      password: z.string().min(10, "Use at least 10 characters.").max(200),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const r = await acceptInvitation(ctx.db, {
      token: input.token,
      newUser: { email: input.email, name: input.name, password: input.password },
    });
    setTenantCookie(ctx.resHeaders, r.tenantSlug);
    return { tenantSlug: r.tenantSlug };
  });
