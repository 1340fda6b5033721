import { updateNatsConnector, ZNatsConnectorUpdate } from "@scrollintel/core/services/connector-admin-service";
import { webConfig } from "@/env";
import { tenantProcedure } from "../../init";

/** New settings for a connector; credentials left out are kept, null removes them. */
export const updateConnector = tenantProcedure("connector.manage")
  .input(ZNatsConnectorUpdate)
  .mutation(({ ctx, input }) => updateNatsConnector(ctx.db, webConfig(), ctx.tenant, input));
