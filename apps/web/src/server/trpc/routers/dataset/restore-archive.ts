import { z } from "zod";
import { requestRestore } from "@scrollintel/core/tiering/restore-service";
import { tenantProcedure } from "../../init";

/** The Restore action on an archived dataset: starts the restore job; progress shows in dataset.get. */
export const restoreArchive = tenantProcedure("dataset.write")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => requestRestore(ctx.db, ctx.tenant, input.id));
