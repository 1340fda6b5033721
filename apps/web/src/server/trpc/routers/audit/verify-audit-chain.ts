import { verifyOwnAuditChain } from "@scrollintel/core/services/audit-query-service";
import { tenantProcedure } from "../../init";

/** Recomputes this tenant's hash chain and reports the first break, if any. */
export const verifyAuditChain = tenantProcedure("audit.read", { readOnly: true }).mutation(({ ctx }) =>
  verifyOwnAuditChain(ctx.db, ctx.tenant),
);
