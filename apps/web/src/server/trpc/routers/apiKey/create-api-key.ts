import { z } from "zod";
import { API_KEY_SCOPES } from "@scrollintel/shared/api-key-scopes";
import { createApiKey as create } from "@scrollintel/core/services/api-key-service";
import { tenantProcedure } from "../../init";

/** The full key is in this response only. */
export const createApiKey = tenantProcedure("apikey.manage")
  .input(
    z.object({
      name: z.string().trim().min(1).max(100),
      scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
      requestsPerMinute: z.number().int().min(1).max(100_000).optional(),
      /** Days until the key is refused; absent or null: it never expires. */
      expiresInDays: z.number().int().min(1).max(3650).nullish(),
    }),
  )
  .mutation(({ ctx, input }) => create(ctx.db, ctx.tenant, input));
