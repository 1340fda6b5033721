import { z } from "zod";
import { findAuditEvents } from "@scrollintel/core/services/audit-query-service";
import { tenantProcedure } from "../../init";
import { ZAuditFilter } from "./audit-filter-input";

export const listAuditEvents = tenantProcedure("audit.read")
  .input(
    ZAuditFilter.extend({
      limit: z.number().int().min(1).max(200).default(50),
      cursor: z.number().int().positive().nullish(),
    }),
  )
  .query(({ ctx, input }) => {
    const { cursor, ...rest } = input;
    return findAuditEvents(ctx.db, ctx.tenant, { ...rest, beforeSeq: cursor ?? undefined });
  });
