import { z } from "zod";
import { setConnectorPaused } from "@scrollintel/core/services/connector-admin-service";
import { tenantProcedure } from "../../init";

const ZId = z.object({ id: z.string().min(1).max(64) });

/** Stops consuming; the position stays, so resuming reads on from there. */
export const pauseConnector = tenantProcedure("connector.manage")
  .input(ZId)
  .mutation(({ ctx, input }) => setConnectorPaused(ctx.db, ctx.tenant, input.id, true));

/** Starts consuming again from the committed position. */
export const resumeConnector = tenantProcedure("connector.manage")
  .input(ZId)
  .mutation(({ ctx, input }) => setConnectorPaused(ctx.db, ctx.tenant, input.id, false));
