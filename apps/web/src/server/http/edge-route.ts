import type { Db } from "@scrollintel/core/db/client";
import { DomainError } from "@scrollintel/core/errors";
import { bindLogFields } from "@scrollintel/core/log-context";
import type { Logger } from "@scrollintel/core/logger";
import { findBadText } from "@scrollintel/core/text-input";
import type { Permission } from "@scrollintel/core/roles";
import { auditRefusal } from "@scrollintel/core/services/refusal-audit-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { authorize, type Access, type TenantCtx } from "@scrollintel/core/tenant-context";
import { requestMeta, resolveCaller } from "@/server/auth/resolve-caller";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { services } from "@/server/services";
import { errorResponse, addEdgeHeaders } from "./edge-response";
import { observeRequest } from "./observe-request";
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
    return observeRequest(req, scope, async () => {
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
    });
  };
}

/**
 * The caller (session or API key) → tenant → permission (and, for a write,
 * an active tenant), as tRPC's tenantProcedure resolves them; the logger then
 * carries tenant and user ids. A refusal is audited (rate-limited).
 */
export async function resolveRouteTenant<P>(
  call: EdgeCall<P>,
  permission: Permission,
  access: Access = "read",
): Promise<TenantCall<P>> {
  const caller = await resolveCaller(call.deps.db, call.req);
  if (!caller) throw new DomainError("UNAUTHORIZED", "Sign in or send an API key (Authorization: Bearer …).");
  const tenant = await resolveTenantCtx(call.deps.db, caller, requestMeta(call.req));
  try {
    authorize(tenant, permission, access);
  } catch (e) {
    await auditRefusal(call.deps.db, tenant, { action: routeAction(call.req), error: e });
    throw e;
  }
  const who = caller.kind === "user" ? { userId: caller.userId } : { apiKeyId: caller.key.keyId };
  const log = call.log.child({ tenantId: tenant.tenantId, ...who });
  bindLogFields({ tenantId: tenant.tenantId, ...who });
  const scoped = { ...call, tenant, log };
  const store = requestScope.getStore();
  if (store) store.log = log; // hooks further down (tus) log with the same ids
  return scoped;
}

/**
 * What a refused request tried, for its audit event: the method and path with
 * ids as ":id" (the id goes in fingerprinted as the target), never the query string.
 */
export function routeAction(req: Request): string {
  const path = new URL(req.url).pathname
    .split("/")
    .map((seg) => (/^[A-Za-z0-9_-]{16,}$/.test(seg) ? ":id" : seg))
    .join("/");
  return `${req.method} ${path}`;
}

/** A route for a tenant's members holding `permission`: downloads, audit export (reads). */
export function tenantRoute<P = Record<string, never>>(
  permission: Permission,
  handler: (call: TenantCall<P>) => Promise<Response>,
  opts: EdgeOptions = {},
): RouteHandler<P> {
  return edgeRoute<P>(async (call) => {
    const scoped = await resolveRouteTenant(call, permission);
    try {
      return await handler(scoped);
    } catch (e) {
      // Another tenant's id is NOT_FOUND here, like in tRPC; the attempt is audited in the caller's tenant.
      const target = (call.params as { id?: unknown } | undefined)?.id;
      await auditRefusal(call.deps.db, scoped.tenant, {
        action: routeAction(call.req),
        error: e,
        target: typeof target === "string" ? target : null,
      });
      throw e;
    }
  }, opts);
}
