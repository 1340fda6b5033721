import { z } from "zod";
import { findDatasetPage } from "@scrollintel/core/services/dataset-service";
import { tenantProcedure } from "../../init";

/** The datasets list: a name search done in PostgreSQL, a page at a time, with the number of matches. */
export const searchDatasets = tenantProcedure("dataset.read")
  .input(
    z.object({
      search: z.string().max(200).default(""),
      offset: z.number().int().min(0).max(1_000_000).default(0),
      limit: z.number().int().min(1).max(100).default(25),
    }),
  )
  .query(({ ctx, input }) => findDatasetPage(ctx.db, ctx.tenant, input));
