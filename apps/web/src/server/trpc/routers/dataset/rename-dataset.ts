import { z } from "zod";
import { renameDataset as rename } from "@scrollintel/core/services/dataset-edit-service";
import { tenantProcedure } from "../../init";

/** A new name for queries to use (the core checks its shape and that no live dataset has it). */
export const renameDataset = tenantProcedure("dataset.write")
  .input(z.object({ id: z.string().min(1).max(64), name: z.string().min(1).max(63) }))
  .mutation(({ ctx, input }) => rename(ctx.db, ctx.tenant, { datasetId: input.id, name: input.name }));
