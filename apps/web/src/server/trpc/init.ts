import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { isDomainError } from "@scrollintel/core/errors";
import type { Permission } from "@scrollintel/core/roles";
import { resolveUserTenant } from "@scrollintel/core/services/auth-service";
import { requirePermission } from "@scrollintel/core/tenant-context";
import type { TrpcContext } from "./context";
import { toTrpcError } from "./errors";

const t = initTRPC.context<TrpcContext>().create({ transformer: superjson });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors thrown by core become the matching tRPC error (no try/catch around next()). */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && isDomainError(res.error.cause)) throw toTrpcError(res.error.cause);
  return res;
});

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/**
 * The caller's membership in the active tenant, checked against the one
 * role -> permission table. The tenant id comes from here, never from input.
 */
export function tenantProcedure(permission: Permission) {
  return authedProcedure.use(async ({ ctx, next }) => {
    const tenant = await resolveUserTenant(ctx.db, {
      userId: ctx.caller.userId,
      tenantSlug: ctx.tenantSlug,
      actor: { type: "USER", id: ctx.caller.userId, ip: ctx.ip, userAgent: ctx.userAgent },
    });
    requirePermission(tenant, permission);
    return next({ ctx: { ...ctx, tenant } });
  });
}

export const platformProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.caller.isPlatformAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Platform admins only." });
  return next();
});
