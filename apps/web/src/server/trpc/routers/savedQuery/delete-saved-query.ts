import { z } from "zod";
import { deleteSavedQuery } from "@scrollintel/core/services/saved-query-service";
import { tenantProcedure } from "../../init";

export const deleteSavedQueryProcedure = tenantProcedure("query.run")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => deleteSavedQuery(ctx.db, ctx.tenant, input.id));
