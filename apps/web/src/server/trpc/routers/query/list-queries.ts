import { z } from "zod";
import { findQueryRuns } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

/** The caller's query history, newest first, a page at a time. */
export const listQueries = tenantProcedure("query.read")
  .input(
    z
      .object({ limit: z.number().int().min(1).max(100).default(20), cursor: z.string().max(64).nullish() })
      .default({ limit: 20 }),
  )
  .query(({ ctx, input }) => findQueryRuns(ctx.db, ctx.tenant, input));
