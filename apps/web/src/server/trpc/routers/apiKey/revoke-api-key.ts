import { z } from "zod";
import { revokeApiKey as revoke } from "@scrollintel/core/services/api-key-service";
import { tenantProcedure } from "../../init";

export const revokeApiKey = tenantProcedure("apikey.manage")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => revoke(ctx.db, ctx.tenant, input.id));
