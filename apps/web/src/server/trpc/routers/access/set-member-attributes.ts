import { z } from "zod";
import { setMemberAttributes as setAttributes } from "@scrollintel/core/services/access-group-service";
import { tenantProcedure } from "../../init";

/** Attribute names as row filters write them (`user.region`). */
const ZAttributes = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "attribute names are letters, digits and _"),
    z.string().max(500),
  )
  .refine((a) => Object.keys(a).length <= 50, "at most 50 attributes");

export const setMemberAttributes = tenantProcedure("access.manage")
  .input(z.object({ userId: z.string().min(1).max(64), attributes: ZAttributes }))
  .mutation(({ ctx, input }) => setAttributes(ctx.db, ctx.tenant, input));
