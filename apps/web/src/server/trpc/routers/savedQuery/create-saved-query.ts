import { createSavedQuery, ZSavedQueryInput } from "@scrollintel/core/services/saved-query-service";
import { tenantProcedure } from "../../init";

/** Saves SQL (and its chart) by name; shared: true makes it visible to the whole tenant. */
export const createSavedQueryProcedure = tenantProcedure("query.run")
  .input(ZSavedQueryInput)
  .mutation(({ ctx, input }) => createSavedQuery(ctx.db, ctx.tenant, input));
