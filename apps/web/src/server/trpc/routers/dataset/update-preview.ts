import { z } from "zod";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { updatePreview as update } from "@scrollintel/core/services/intake-decision-service";
import { tenantProcedure } from "../../init";

/** Reads the head of a version under review again with new options (the worker does: the web loads no DuckDB). */
export const updatePreview = tenantProcedure("dataset.write")
  .input(z.object({ versionId: z.string().min(1).max(64), options: ZIngestOptions }))
  .mutation(({ ctx, input }) => update(ctx.db, ctx.tenant, input));
