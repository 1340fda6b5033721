import { z } from "zod";
import { rollbackDataset as rollback } from "@scrollintel/core/services/dataset-edit-service";
import { tenantProcedure } from "../../init";

/** Makes another READY version of the dataset the one queries see. */
export const rollbackDataset = tenantProcedure("dataset.write")
  .input(z.object({ id: z.string().min(1).max(64), version: z.number().int().min(1).max(2_147_483_647) }))
  .mutation(({ ctx, input }) => rollback(ctx.db, ctx.tenant, { datasetId: input.id, version: input.version }));
