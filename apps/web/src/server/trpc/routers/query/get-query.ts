import { z } from "zod";
import { getQueryRunById, waitForQueryRun } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

/** One run; with waitMs, first waits (LISTEN/NOTIFY) until it is no longer QUEUED or RUNNING. */
export const getQuery = tenantProcedure("query.read")
  .input(z.object({ id: z.string().min(1).max(64), waitMs: z.number().int().min(0).max(30_000).default(0) }))
  .query(({ ctx, input }) =>
    input.waitMs > 0
      ? waitForQueryRun(ctx.db, ctx.tenant, input.id, input.waitMs, ctx.queryEvents)
      : getQueryRunById(ctx.db, ctx.tenant, input.id),
  );
