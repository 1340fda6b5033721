import type { Db } from "@scrollintel/core/db/client";
import { DomainError } from "@scrollintel/core/errors";
import type { Logger } from "@scrollintel/core/logger";
import { findBadText } from "@scrollintel/core/text-input";
import type { Permission } from "@scrollintel/core/roles";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { requirePermission, type TenantCtx } from "@scrollintel/core/tenant-context";
import { requestMeta, resolveCaller } from "@/server/auth/resolve-caller";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { services } from "@/server/services";
import { errorResponse, addEdgeHeaders } from "./edge-response";
import { beginRequest, requestScope, type RequestScope } from "./request-scope";

/** What a plain route needs from the process; tests hand in their own. */
export interface EdgeDeps {
  db: Db;
  storage: StorageDriver;
  log: Logger;
}

export interface EdgeCall<P> extends RequestScope {
  req: Request;
  params: P;
  deps: EdgeDeps;
}

export interface TenantCall<P> extends EdgeCall<P> {
  tenant: TenantCtx & { slug: string };
}

type RouteHandler<P> = (req: Request, route: { params: Promise<P> }) => Promise<Response>;

interface EdgeOptions {
  deps?: () => EdgeDeps;
  /** Headers every error answer carries (tus's Tus-Resumable). */
  errorHeaders?: Record<string, string>;
}

/** Query and path parameters must be text PostgreSQL can store, like every tRPC input. */
function refuseBadText(req: Request, params: unknown): void {
  const query = Object.fromEntries(new URL(req.url).searchParams);
  const bad = findBadText(params, "path") ?? findBadText(query, "query");
  if (bad) throw new DomainError("BAD_REQUEST", bad);
}

/**
 * Every non-tRPC route runs through here: a request id (X-Request-Id, and on
 * every log line), and any error answered through the one error table.
 */
export function edgeRoute<P = Record<string, never>>(
  handler: (call: EdgeCall<P>) => Promise<Response>,
  opts: EdgeOptions = {},
): RouteHandler<P> {
  return async (req, route) => {
    const deps = (opts.deps ?? services)();
    const scope = beginRequest(deps.log);
    const res = await requestScope.run(scope, async () => {
      try {
        const params = route ? await route.params : ({} as P);
        refuseBadText(req, params);
        return await handler({ ...scope, req, params, deps });
      } catch (e) {
        return errorResponse(e, scope, opts.errorHeaders);
      }
    });
    return addEdgeHeaders(res, scope.requestId);
  };
}

/**
 * The caller (session or API key) → tenant → permission, as tRPC's
 * tenantProcedure resolves them; the logger then carries tenant and user ids.
 */
export async function resolveRouteTenant<P>(call: EdgeCall<P>, permission: Permission): Promise<TenantCall<P>> {
  const caller = await resolveCaller(call.deps.db, call.req);
  if (!caller) throw new DomainError("UNAUTHORIZED", "Sign in or send an API key (Authorization: Bearer …).");
  const tenant = await resolveTenantCtx(call.deps.db, caller, requestMeta(call.req));
  requirePermission(tenant, permission);
  const who = caller.kind === "user" ? { userId: caller.userId } : { apiKeyId: caller.key.keyId };
  const log = call.log.child({ tenantId: tenant.tenantId, ...who });
  const scoped = { ...call, tenant, log };
  const store = requestScope.getStore();
  if (store) store.log = log; // hooks further down (tus) log with the same ids
  return scoped;
}

/** A route for a tenant's members holding `permission`: uploads, downloads, audit export. */
export function tenantRoute<P = Record<string, never>>(
  permission: Permission,
  handler: (call: TenantCall<P>) => Promise<Response>,
  opts: EdgeOptions = {},
): RouteHandler<P> {
  return edgeRoute<P>(async (call) => handler(await resolveRouteTenant(call, permission)), opts);
}
