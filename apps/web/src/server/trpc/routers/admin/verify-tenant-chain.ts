import { z } from "zod";
import { verifyAuditChain } from "@scrollintel/core/services/audit-query-service";
import { platformProcedure } from "../../init";

export const verifyTenantChain = platformProcedure
  .input(z.object({ tenantId: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => verifyAuditChain(ctx.db, input.tenantId, "system"));
