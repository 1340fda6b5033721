import { z } from "zod";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { startReviewedIngest } from "@scrollintel/core/services/intake-decision-service";
import { tenantProcedure } from "../../init";

/** Starts the full ingest of a reviewed version, with the options given or those it was previewed with. */
export const startIngest = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64), options: ZIngestOptions.optional() }))
  .mutation(({ ctx, input }) => startReviewedIngest(ctx.db, ctx.tenant, input));
