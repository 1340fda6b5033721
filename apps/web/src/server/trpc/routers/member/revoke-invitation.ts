import { z } from "zod";
import { revokeInvitation as revoke } from "@scrollintel/core/services/invitation-service";
import { tenantProcedure } from "../../init";

export const revokeInvitation = tenantProcedure("member.manage")
  .input(z.object({ id: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => revoke(ctx.db, ctx.tenant, input.id));
