import { findApiKeys } from "@scrollintel/core/services/api-key-service";
import { tenantProcedure } from "../../init";

export const listApiKeys = tenantProcedure("apikey.manage").query(({ ctx }) => findApiKeys(ctx.db, ctx.tenant));
