import { z } from "zod";
import { deleteAccessGroup } from "@scrollintel/core/services/access-group-service";
import { tenantProcedure } from "../../init";

export const deleteGroup = tenantProcedure("access.manage")
  .input(z.object({ groupId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => deleteAccessGroup(ctx.db, ctx.tenant, input));
