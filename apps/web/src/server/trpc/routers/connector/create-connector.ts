import { createNatsConnector, ZNatsConnectorInput } from "@scrollintel/core/services/connector-admin-service";
import { webConfig } from "@/env";
import { tenantProcedure } from "../../init";

/** Connects a NATS JetStream stream to a streaming dataset; the worker starts consuming it. */
export const createConnector = tenantProcedure("connector.manage")
  .input(ZNatsConnectorInput)
  .mutation(({ ctx, input }) => createNatsConnector(ctx.db, webConfig(), ctx.tenant, input));
