import { findSavedQueries } from "@scrollintel/core/services/saved-query-service";
import { tenantProcedure } from "../../init";

/** The caller's saved queries and those shared within the tenant. */
export const listSavedQueries = tenantProcedure("query.read").query(({ ctx }) => findSavedQueries(ctx.db, ctx.tenant));
