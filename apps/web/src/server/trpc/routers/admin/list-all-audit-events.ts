import { z } from "zod";
import { findAllAuditEvents } from "@scrollintel/core/services/audit-query-service";
import { platformProcedure } from "../../init";
import { ZAuditFilter } from "../audit/audit-filter-input";

export const listAllAuditEvents = platformProcedure
  .input(
    ZAuditFilter.extend({
      tenantId: z.string().max(64).optional(),
      limit: z.number().int().min(1).max(200).default(50),
      cursor: z.object({ createdAt: z.date(), id: z.string() }).nullish(),
    }),
  )
  .query(({ ctx, input }) => {
    const { cursor, ...rest } = input;
    return findAllAuditEvents(ctx.db, { ...rest, before: cursor ?? undefined });
  });
