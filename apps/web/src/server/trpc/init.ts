import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Permission } from "@scrollintel/core/roles";
import { requirePermission } from "@scrollintel/core/tenant-context";
import { findBadText } from "@scrollintel/core/text-input";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { internalMessage } from "@/server/http/error-table";
import type { TrpcContext } from "./context";
import { isMappedTrpcError, toTrpcError } from "./errors";

/** Declared on every procedure, so tests can walk the router and check each role against it. */
export interface ProcedureMeta {
  permission?: Permission;
  platform?: boolean;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // The last guard: no stack, and a 500 that escaped the mapping (a serialisation failure) says only its id.
    errorFormatter: ({ shape, error, ctx }) => {
      const leak = error.code === "INTERNAL_SERVER_ERROR" && !isMappedTrpcError(error);
      const message = leak ? internalMessage(ctx?.requestId ?? "unknown") : shape.message;
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message, data };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every error leaves through the edge's table (no try/catch around next()).
 * Applied again below each step that binds ids to the logger, so a 500 is
 * logged with the most the request knows; the outer ones pass it on.
 */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const res = await next();
  if (!res.ok) throw toTrpcError(res.error, ctx);
  return res;
});

/** NUL bytes and lone surrogates are refused in every string of every input, naming the field. */
const refuseBadText = t.middleware(async ({ getRawInput, next }) => {
  const bad = findBadText(await getRawInput());
  if (bad) throw new TRPCError({ code: "BAD_REQUEST", message: bad });
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(refuseBadText);

export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send an API key." });
    const who = ctx.caller.kind === "user" ? { userId: ctx.caller.userId } : { apiKeyId: ctx.caller.key.keyId };
    return next({ ctx: { ...ctx, caller: ctx.caller, log: ctx.log.child(who) } });
  })
  .use(mapErrors);

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
  return authedProcedure
    .meta({ permission })
    .use(async ({ ctx, next }) => {
      const tenant = await resolveTenantCtx(ctx.db, ctx.caller, ctx);
      requirePermission(tenant, permission);
      return next({ ctx: { ...ctx, tenant, log: ctx.log.child({ tenantId: tenant.tenantId }) } });
    })
    .use(mapErrors);
}

export const platformProcedure = userProcedure.meta({ platform: true }).use(({ ctx, next }) => {
  if (!ctx.caller.isPlatformAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Platform admins only." });
  return next();
});
