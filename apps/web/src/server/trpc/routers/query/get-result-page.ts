import { z } from "zod";
import { getResultPage } from "@scrollintel/core/services/result-page-service";
import { tenantProcedure } from "../../init";

/** One page of a result's rows (optionally sorted by a column); PENDING means ask again. */
export const getResultPageProcedure = tenantProcedure("query.read")
  .input(
    z.object({
      id: z.string().min(1).max(64),
      page: z.number().int().min(0).max(10_000_000),
      sort: z.object({ column: z.string().min(1).max(300), desc: z.boolean() }).nullish(),
      waitMs: z.number().int().min(0).max(30_000).default(10_000),
    }),
  )
  .query(({ ctx, input }) => getResultPage(ctx.db, ctx.tenant, { ...input, listener: ctx.queryEvents }));
