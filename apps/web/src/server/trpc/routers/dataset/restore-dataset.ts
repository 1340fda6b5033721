import { z } from "zod";
import { restoreTrashItem as restore } from "@scrollintel/core/services/trash-service";
import { tenantProcedure } from "../../init";

/** Takes a dataset or version out of the trash; a dataset whose name was taken meanwhile comes back renamed. */
export const restoreDataset = tenantProcedure("dataset.delete")
  .input(z.object({ trashItemId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => restore(ctx.db, ctx.tenant, input.trashItemId));
