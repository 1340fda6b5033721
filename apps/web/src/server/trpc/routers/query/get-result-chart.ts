import { z } from "zod";
import { getResultChart } from "@scrollintel/core/services/result-chart-service";
import { tenantProcedure } from "../../init";

const column = z.string().min(1).max(300);

/** A chart of the whole result, aggregated by x on the worker; PENDING means ask again. */
export const getResultChartProcedure = tenantProcedure("query.read")
  .input(
    z.object({
      id: z.string().min(1).max(64),
      x: column,
      y: z.array(column).min(1).max(12),
      series: column.nullish(),
      waitMs: z.number().int().min(0).max(30_000).default(10_000),
    }),
  )
  .query(({ ctx, input }) => getResultChart(ctx.db, ctx.tenant, { ...input, listener: ctx.queryEvents }));
