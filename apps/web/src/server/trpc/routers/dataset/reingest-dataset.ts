import { z } from "zod";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { tenantProcedure } from "../../init";

/** Schema overrides, delimiter, header or bad-row policy: re-ingest the version's upload as a new version. */
export const reingestDataset = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64), options: ZIngestOptions }))
  .mutation(({ ctx, input }) => reingestVersion(ctx.db, ctx.tenant, input));
