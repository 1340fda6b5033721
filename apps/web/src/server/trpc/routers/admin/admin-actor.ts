import type { Actor } from "@scrollintel/core/tenant-context";

/** The platform admin as the actor of audit events in the tenant they act on. */
export function adminActor(ctx: { caller: { userId: string }; ip: string | null; userAgent: string | null }): Actor {
  return { type: "USER", id: ctx.caller.userId, ip: ctx.ip, userAgent: ctx.userAgent };
}
