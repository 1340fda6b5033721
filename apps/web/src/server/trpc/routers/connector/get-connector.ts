import { z } from "zod";
import { getConnectorById } from "@scrollintel/core/services/connector-admin-service";
import { tenantProcedure } from "../../init";

/** One connector's settings and status (never its credentials). */
export const getConnector = tenantProcedure("connector.manage")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getConnectorById(ctx.db, ctx.tenant, input.id));
