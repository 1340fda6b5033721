import { z } from "zod";
import { ZDatasetPolicy } from "@scrollintel/core/access/policy";
import { setDatasetPolicy as setPolicy } from "@scrollintel/core/services/access-policy-service";
import { tenantProcedure } from "../../init";

export const setDatasetPolicy = tenantProcedure("access.manage")
  .input(z.object({ datasetId: z.string().min(1).max(64), policy: ZDatasetPolicy }))
  .mutation(({ ctx, input }) => setPolicy(ctx.db, ctx.tenant, input));
