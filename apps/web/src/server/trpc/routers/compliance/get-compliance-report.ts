import { z } from "zod";
import { getComplianceReport as getReport } from "@scrollintel/core/services/compliance-service";
import { tenantProcedure } from "../../init";

export const ZPeriod = z.object({ from: z.date(), to: z.date() });

/** Who can access which datasets and columns, policy history, key usage and the period's audit proof. */
export const getComplianceReport = tenantProcedure("compliance.read")
  .input(ZPeriod)
  .query(({ ctx, input }) => getReport(ctx.db, ctx.tenant, input));
