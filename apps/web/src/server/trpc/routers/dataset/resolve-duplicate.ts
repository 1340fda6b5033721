import { z } from "zod";
import { DUPLICATE_CHOICES } from "@scrollintel/core/intake-options";
import { resolveDuplicate as resolve } from "@scrollintel/core/services/intake-decision-service";
import { tenantProcedure } from "../../init";

/** Replace, append or keep both, for an upload whose file the tenant already has; answers where it went. */
export const resolveDuplicate = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64), choice: z.enum(DUPLICATE_CHOICES) }))
  .mutation(({ ctx, input }) => resolve(ctx.db, ctx.tenant, input));
