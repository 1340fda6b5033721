import { z } from "zod";
import { findAuditEvents } from "@scrollintel/core/services/audit-service";
import { tenantProcedure } from "../../init";

export const listAuditEvents = tenantProcedure("audit.read")
  .input(
    z.object({
      limit: z.number().int().min(1).max(200).default(50),
      cursor: z.number().int().positive().nullish(),
      action: z.string().max(64).optional(),
    }),
  )
  .query(({ ctx, input }) =>
    findAuditEvents(ctx.db, ctx.tenant, {
      limit: input.limit,
      beforeSeq: input.cursor ?? undefined,
      action: input.action,
    }),
  );
