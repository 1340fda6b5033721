import { z } from "zod";
import { createQueryRun, waitForQueryRun } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

/**
 * Answers from the result cache, or queues the query in the sandbox and waits
 * (LISTEN/NOTIFY) up to waitMs; a slower query comes back RUNNING: wait on it
 * with query.get({ id, waitMs }).
 */
export const runQuery = tenantProcedure("query.run")
  .input(
    z.object({
      sql: z.string().max(100_000),
      waitMs: z.number().int().min(0).max(30_000).default(10_000),
      /** false forces a fresh run even when the result cache has the answer. */
      cache: z.boolean().default(true),
      savedQueryId: z.string().min(1).max(64).nullish(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const { id, cached } = await createQueryRun(ctx.db, ctx.tenant, {
      sql: input.sql,
      useCache: input.cache,
      savedQueryId: input.savedQueryId,
    });
    return cached ?? waitForQueryRun(ctx.db, ctx.tenant, id, input.waitMs, ctx.queryEvents);
  });
