import { z } from "zod";
import { getDatasetById } from "@scrollintel/core/services/dataset-service";
import { tenantProcedure } from "../../init";

export const getDataset = tenantProcedure("dataset.read")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getDatasetById(ctx.db, ctx.tenant, input.id));
