import { z } from "zod";
import { getTenantComplianceReport } from "@scrollintel/core/services/compliance-service";
import { platformProcedure } from "../../init";
import { adminActor } from "./admin-actor";

export const tenantComplianceReport = platformProcedure
  .input(z.object({ tenantId: z.string().min(1).max(64), from: z.date(), to: z.date() }))
  .query(({ ctx, input }) =>
    getTenantComplianceReport(ctx.db, adminActor(ctx), input.tenantId, { from: input.from, to: input.to }),
  );
