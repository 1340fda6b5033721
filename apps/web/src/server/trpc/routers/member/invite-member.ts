import { z } from "zod";
import { ROLES } from "@scrollintel/core/roles";
import { createInvitation } from "@scrollintel/core/services/invitation-service";
import { tenantProcedure } from "../../init";

/** Returns the one-time token; the UI turns it into a link (/invite/<token>). */
export const inviteMember = tenantProcedure("member.manage")
  .input(z.object({ role: z.enum(ROLES), email: z.email().max(254).optional() }))
  .mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.tenant, input));
