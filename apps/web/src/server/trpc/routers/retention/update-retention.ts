import { ZRetentionPolicy } from "@scrollintel/core/retention-policy";
import { updateRetention as update } from "@scrollintel/core/services/retention-service";
import { tenantProcedure } from "../../init";

/** Any subset of the policy; each field within the platform's bounds (RETENTION_BOUNDS). */
export const updateRetention = tenantProcedure("retention.manage")
  .input(ZRetentionPolicy.partial())
  .mutation(({ ctx, input }) => update(ctx.db, ctx.tenant, input));
