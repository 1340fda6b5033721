import { z } from "zod";
import { setAccessGroupMembers } from "@scrollintel/core/services/access-group-service";
import { tenantProcedure } from "../../init";

export const setGroupMembers = tenantProcedure("access.manage")
  .input(z.object({ groupId: z.string().min(1).max(64), userIds: z.array(z.string().min(1).max(64)).max(1000) }))
  .mutation(({ ctx, input }) => setAccessGroupMembers(ctx.db, ctx.tenant, input));
