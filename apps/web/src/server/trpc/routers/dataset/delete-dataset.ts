import { z } from "zod";
import { deleteDataset as trashDataset } from "@scrollintel/core/services/trash-service";
import { tenantProcedure } from "../../init";

/** Moves a dataset to the trash (restorable for the tenant's trashDays); returns the trash item and its purge date. */
export const deleteDataset = tenantProcedure("dataset.delete")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => trashDataset(ctx.db, ctx.tenant, input.id));
