import { z } from "zod";
import { deleteConnector as remove } from "@scrollintel/core/services/connector-admin-service";
import { tenantProcedure } from "../../init";

/** Stops a connector for good; the events already in its dataset stay. */
export const deleteConnector = tenantProcedure("connector.manage")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => remove(ctx.db, ctx.tenant, input.id));
