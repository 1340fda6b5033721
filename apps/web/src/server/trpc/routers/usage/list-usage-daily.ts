import { z } from "zod";
import { findUsageDaily } from "@scrollintel/core/services/usage-report-service";
import { tenantProcedure } from "../../init";

export const listUsageDaily = tenantProcedure("quota.read")
  .input(z.object({ days: z.number().int().min(1).max(366).default(30) }))
  .query(({ ctx, input }) => findUsageDaily(ctx.db, ctx.tenant, input.days));
