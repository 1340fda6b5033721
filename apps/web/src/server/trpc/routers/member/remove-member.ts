import { z } from "zod";
import { removeMember as removeMemberFromTenant } from "@scrollintel/core/services/member-service";
import { tenantProcedure } from "../../init";

export const removeMember = tenantProcedure("member.manage")
  .input(z.object({ userId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => removeMemberFromTenant(ctx.db, ctx.tenant, input));
