import { getQuota } from "@scrollintel/core/services/quota-service";
import { tenantProcedure } from "../../init";

export const getTenantQuota = tenantProcedure("quota.read").query(({ ctx }) => getQuota(ctx.db, ctx.tenant.tenantId));
