import { z } from "zod";
import { createAccessGroup } from "@scrollintel/core/services/access-group-service";
import { tenantProcedure } from "../../init";

export const createGroup = tenantProcedure("access.manage")
  .input(z.object({ name: z.string().trim().min(1).max(80) }))
  .mutation(({ ctx, input }) => createAccessGroup(ctx.db, ctx.tenant, input));
