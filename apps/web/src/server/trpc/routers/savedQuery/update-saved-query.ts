import { z } from "zod";
import { updateSavedQuery, ZSavedQueryPatch } from "@scrollintel/core/services/saved-query-service";
import { tenantProcedure } from "../../init";

/** Changes the owner's saved query; `shared` shares it within the tenant or takes it back. */
export const updateSavedQueryProcedure = tenantProcedure("query.run")
  .input(z.object({ id: z.string().min(1).max(64), patch: ZSavedQueryPatch }))
  .mutation(({ ctx, input }) => updateSavedQuery(ctx.db, ctx.tenant, input.id, input.patch));
