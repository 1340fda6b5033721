import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { clientGone } from "@scrollintel/core/errors";
import { bindLogFields } from "@scrollintel/core/log-context";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import type { Permission } from "@scrollintel/core/roles";
import { auditRefusal } from "@scrollintel/core/services/refusal-audit-service";
import { authorize, type Access } from "@scrollintel/core/tenant-context";
import { withSpan } from "@scrollintel/core/tracing";
import { findBadText } from "@scrollintel/core/text-input";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { internalMessage } from "@/server/http/error-table";
import type { TrpcContext } from "./context";
import { isMappedTrpcError, toTrpcError } from "./errors";

/** Declared on every procedure, so tests can walk the router and check each role against it. */
export interface ProcedureMeta {
  permission?: Permission;
  platform?: boolean;
  /** A mutation that changes nothing (audit.verify): allowed in a suspended tenant like a query. */
  readOnly?: boolean;
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

/**
 * Outermost: a span per procedure (a child of the request's) and the latency
 * histogram by procedure, type and result code (the mapped tRPC code).
 */
const observeProcedure = t.middleware(async ({ path, type, next }) => {
  const t0 = performance.now();
  return withSpan(`trpc ${path}`, { attributes: { "rpc.system": "trpc", "rpc.method": path } }, async (span) => {
    const res = await next();
    const code = res.ok ? "OK" : res.error.code;
    span.setAttribute("rpc.trpc.code", code);
    webMetrics().trpcDuration.observe({ procedure: path, type, code }, (performance.now() - t0) / 1000);
    return res;
  });
});

/** A procedure whose client already left does not start (answered 499, to nobody). */
const stopWhenClientGone = t.middleware(({ signal, next }) => {
  if (signal?.aborted) throw clientGone();
  return next();
});

export const publicProcedure = t.procedure
  .use(observeProcedure)
  .use(mapErrors)
  .use(stopWhenClientGone)
  .use(refuseBadText);

export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send an API key." });
    const who = ctx.caller.kind === "user" ? { userId: ctx.caller.userId } : { apiKeyId: ctx.caller.key.keyId };
    bindLogFields(who);
    return next({ ctx: { ...ctx, caller: ctx.caller, log: ctx.log.child(who) } });
  })
  .use(mapErrors);

/** Procedures only a signed-in person can call (never an API key). */
export const userProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.caller.kind !== "user") throw new TRPCError({ code: "FORBIDDEN", message: "Not available to API keys." });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** The id a refused call aimed at, for its audit event (the first id-like field of the input). */
function targetOf(input: unknown): string | null {
  if (!input || typeof input !== "object") return null;
  for (const k of ["id", "versionId", "datasetId", "trashItemId", "userId", "tenantId"]) {
    const v = (input as Record<string, unknown>)[k];
    if (typeof v === "string") return v.slice(0, 100);
  }
  return null;
}

/**
 * The caller's context in the active tenant, checked against the one role →
 * permission table (and an API key's scopes); every mutation is a write, and
 * writes are refused in a suspended tenant (authorize). The tenant id comes
 * from here, never from input. Refusals (FORBIDDEN, NOT_FOUND) are audited in
 * the caller's tenant, rate-limited.
 */
export function tenantProcedure(permission: Permission, opts: { readOnly?: boolean } = {}) {
  return authedProcedure
    .meta({ permission, ...opts })
    .use(async ({ ctx, type, path, getRawInput, next }) => {
      const tenant = await resolveTenantCtx(ctx.db, ctx.caller, ctx);
      const access: Access = type === "mutation" && !opts.readOnly ? "write" : "read";
      const refused = async (error: unknown) =>
        auditRefusal(ctx.db, tenant, { action: path, error, target: targetOf(await getRawInput()) });
      try {
        authorize(tenant, permission, access);
      } catch (e) {
        await refused(e);
        throw e;
      }
      bindLogFields({ tenantId: tenant.tenantId });
      const res = await next({ ctx: { ...ctx, tenant, log: ctx.log.child({ tenantId: tenant.tenantId }) } });
      if (!res.ok) await refused(res.error);
      return res;
    })
    .use(mapErrors);
}

export const platformProcedure = userProcedure.meta({ platform: true }).use(({ ctx, next }) => {
  if (!ctx.caller.isPlatformAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Platform admins only." });
  return next();
});
