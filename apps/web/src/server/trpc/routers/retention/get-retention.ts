import { getRetention as retention } from "@scrollintel/core/services/retention-service";
import { tenantProcedure } from "../../init";

export const getRetention = tenantProcedure("quota.read").query(({ ctx }) => retention(ctx.db, ctx.tenant));
