import { getUsageSummary as summary } from "@scrollintel/core/services/usage-report-service";
import { tenantProcedure } from "../../init";

export const getUsageSummary = tenantProcedure("quota.read").query(({ ctx }) => summary(ctx.db, ctx.tenant));
