import { z } from "zod";
import { ROLES } from "@scrollintel/core/roles";
import { changeMemberRole } from "@scrollintel/core/services/member-service";
import { tenantProcedure } from "../../init";

export const changeRole = tenantProcedure("member.manage")
  .input(z.object({ userId: z.string().min(1).max(64), role: z.enum(ROLES) }))
  .mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.tenant, input));
