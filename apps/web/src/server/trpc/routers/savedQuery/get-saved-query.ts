import { z } from "zod";
import { getSavedQueryById } from "@scrollintel/core/services/saved-query-service";
import { tenantProcedure } from "../../init";

export const getSavedQuery = tenantProcedure("query.read")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getSavedQueryById(ctx.db, ctx.tenant, input.id));
