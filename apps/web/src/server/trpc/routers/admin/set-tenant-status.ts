import { z } from "zod";
import { setTenantStatus as setStatus } from "@scrollintel/core/services/tenant-admin-service";
import { platformProcedure } from "../../init";
import { adminActor } from "./admin-actor";

export const setTenantStatus = platformProcedure
  .input(z.object({ tenantId: z.string().min(1).max(64), status: z.enum(["ACTIVE", "SUSPENDED"]) }))
  .mutation(({ ctx, input }) => setStatus(ctx.db, adminActor(ctx), input));
