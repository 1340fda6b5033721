import { z } from "zod";
import { decideAwaitingVersion } from "@scrollintel/core/services/ingest-confirmation-service";
import { tenantProcedure } from "../../init";

/** A version that skipped more rows than its threshold becomes READY (and the queried one, if newest). */
export const confirmVersion = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) =>
    decideAwaitingVersion(ctx.db, ctx.tenant, { versionId: input.versionId, decision: "confirm" }),
  );
