import { findConnectors } from "@scrollintel/core/services/connector-admin-service";
import { tenantProcedure } from "../../init";

/** The tenant's source connectors: settings, status, position and last error, never credentials. */
export const listConnectors = tenantProcedure("connector.manage").query(({ ctx }) =>
  findConnectors(ctx.db, ctx.tenant),
);
