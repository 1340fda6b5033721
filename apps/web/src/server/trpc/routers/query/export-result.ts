import { z } from "zod";
import { EXPORT_FORMATS, requestExport } from "@scrollintel/core/services/query-export-service";
import { tenantProcedure } from "../../init";

/** Prepares a download of the full result; READY comes with the URL to GET. */
export const exportResult = tenantProcedure("query.read")
  .input(
    z.object({
      id: z.string().min(1).max(64),
      format: z.enum(EXPORT_FORMATS),
      waitMs: z.number().int().min(0).max(30_000).default(10_000),
    }),
  )
  .mutation(({ ctx, input }) => requestExport(ctx.db, ctx.tenant, { ...input, listener: ctx.queryEvents }));
