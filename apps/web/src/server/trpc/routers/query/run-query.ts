import { z } from "zod";
import { createQueryRun, getQueryRunById, waitForQueryRun } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

/** Queues the query in the sandbox and waits briefly for it; a slow query returns RUNNING and is polled. */
export const runQuery = tenantProcedure("query.run")
  .input(z.object({ sql: z.string().max(100_000), waitMs: z.number().int().min(0).max(30_000).default(10_000) }))
  .mutation(async ({ ctx, input }) => {
    const { id } = await createQueryRun(ctx.db, ctx.tenant, { sql: input.sql });
    await waitForQueryRun(ctx.db, ctx.tenant, id, input.waitMs);
    return getQueryRunById(ctx.db, ctx.tenant, id);
  });
