import { z } from "zod";
import { cancelQueryRun } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

export const cancelQuery = tenantProcedure("query.run")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => cancelQueryRun(ctx.db, ctx.tenant, input.id));
