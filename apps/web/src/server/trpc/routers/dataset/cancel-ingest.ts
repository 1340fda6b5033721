import { z } from "zod";
import { cancelIngest as cancel } from "@scrollintel/core/services/dataset-version-service";
import { tenantProcedure } from "../../init";

export const cancelIngest = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => cancel(ctx.db, ctx.tenant, input.versionId));
