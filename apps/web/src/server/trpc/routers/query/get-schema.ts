import { findQuerySchema } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

/** The datasets a query sees, with columns: the editor's schema browser and autocompletion. */
export const getQuerySchema = tenantProcedure("query.read").query(({ ctx }) => findQuerySchema(ctx.db, ctx.tenant));
