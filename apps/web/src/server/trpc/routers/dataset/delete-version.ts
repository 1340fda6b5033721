import { z } from "zod";
import { deleteVersion as trashVersion } from "@scrollintel/core/services/trash-service";
import { tenantProcedure } from "../../init";

/** Moves one version to the trash; deleting the queried one makes the newest other READY version queried. */
export const deleteVersion = tenantProcedure("dataset.delete")
  .input(z.object({ versionId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => trashVersion(ctx.db, ctx.tenant, input.versionId));
