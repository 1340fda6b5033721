import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { isDomainError } from "@scrollintel/core/errors";
import type { Permission } from "@scrollintel/core/roles";
import { requirePermission } from "@scrollintel/core/tenant-context";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import type { TrpcContext } from "./context";
import { toTrpcError } from "./errors";

/** Declared on every procedure, so tests can walk the router and check each role against it. */
export interface ProcedureMeta {
  permission?: Permission;
  platform?: boolean;
}

const t = initTRPC.context<TrpcContext>().meta<ProcedureMeta>().create({ transformer: superjson });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors thrown by core become the matching tRPC error (no try/catch around next()). */
const mapDomainErrors = t.middleware(async ({ ctx, next }) => {
  const res = await next();
  if (!res.ok && isDomainError(res.error.cause)) {
    const retryAfter = res.error.cause.details?.retryAfter;
    if (retryAfter !== undefined) ctx.resHeaders.set("Retry-After", String(retryAfter));
    throw toTrpcError(res.error.cause);
  }
  return res;
});

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send an API key." });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** Procedures only a signed-in person can call (never an API key). */
export const userProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.caller.kind !== "user") throw new TRPCError({ code: "FORBIDDEN", message: "Not available to API keys." });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/**
 * The caller's context in the active tenant, checked against the one role →
 * permission table (and an API key's scopes). The tenant id comes from here,
 * never from input.
 */
export function tenantProcedure(permission: Permission) {
  return authedProcedure.meta({ permission }).use(async ({ ctx, next }) => {
    const tenant = await resolveTenantCtx(ctx.db, ctx.caller, ctx);
    requirePermission(tenant, permission);
    return next({ ctx: { ...ctx, tenant } });
  });
}

export const platformProcedure = userProcedure.meta({ platform: true }).use(({ ctx, next }) => {
  if (!ctx.caller.isPlatformAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Platform admins only." });
  return next();
});
