import { z } from "zod";
import { getQueryRunById } from "@scrollintel/core/services/query-service";
import { tenantProcedure } from "../../init";

export const getQuery = tenantProcedure("query.read")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getQueryRunById(ctx.db, ctx.tenant, input.id));
