import { z } from "zod";

/** The filters both the tenant and the platform audit views accept. */
export const ZAuditFilter = z.object({
  actorId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(128).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});
