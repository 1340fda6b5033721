import { z } from "zod";
import { setStreamEventTime as setEventTime } from "@scrollintel/core/services/stream-layout-service";
import { tenantProcedure } from "../../init";

/** The column a streaming dataset's parts are sorted by (null: arrival order); the core checks it exists and fits. */
export const setStreamEventTime = tenantProcedure("dataset.write")
  .input(z.object({ id: z.string().min(1).max(64), column: z.string().min(1).max(255).nullable() }))
  .mutation(({ ctx, input }) => setEventTime(ctx.db, ctx.tenant, { datasetId: input.id, column: input.column }));
