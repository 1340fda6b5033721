import { z } from "zod";
import { getDatasetPolicy as getPolicy } from "@scrollintel/core/services/access-policy-service";
import { tenantProcedure } from "../../init";

/** The dataset's access policy and who sees what (each role and group). */
export const getDatasetPolicy = tenantProcedure("dataset.read")
  .input(z.object({ datasetId: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getPolicy(ctx.db, ctx.tenant, input.datasetId));
