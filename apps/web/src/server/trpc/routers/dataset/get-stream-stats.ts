import { z } from "zod";
import { getStreamStats } from "@scrollintel/core/services/stream-stats-service";
import { tenantProcedure } from "../../init";

/**
 * A streaming dataset's records per minute over the last hour, compaction lag,
 * last event time and newest rejects. Events arrive through POST /api/events
 * (NDJSON, API key with the events:write scope); see docs/integrations.md.
 */
export const getStreamStatsProcedure = tenantProcedure("dataset.read")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getStreamStats(ctx.db, ctx.tenant, input.id));
