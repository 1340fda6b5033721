import { z } from "zod";
import { deleteTenant as deleteTenantForGood } from "@scrollintel/core/services/tenant-delete-service";
import { platformProcedure } from "../../init";
import { adminActor } from "./admin-actor";

export const deleteTenant = platformProcedure
  .input(z.object({ tenantId: z.string().min(1).max(64), confirmSlug: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) => deleteTenantForGood(ctx.db, adminActor(ctx), input));
