import type { Db } from "@scrollintel/core/db/client";
import { createLogger } from "@scrollintel/core/logger";
import type { ApiKeyPrincipal } from "@scrollintel/core/services/api-key-service";
import type { Caller } from "@/server/trpc/context";
import { createCallerFactory, type ProcedureMeta } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import type { TestUser } from "./factories";

const log = createLogger({ name: "test", level: "silent" });
const createCaller = createCallerFactory(appRouter);

function callerWith(db: Db, caller: Caller | null, tenantSlug: string | null) {
  return createCaller({
    db,
    log,
    requestId: "test-request",
    caller,
    tenantSlug,
    ip: "127.0.0.1",
    userAgent: "vitest",
    resHeaders: new Headers(),
  });
}

/** A tRPC caller acting as `u` in its tenant, exactly as the route handler would build it. */
export function callerFor(db: Db, u: TestUser | null, opts: { tenantSlug?: string; platformAdmin?: boolean } = {}) {
  return callerWith(
    db,
    u ? { kind: "user", userId: u.id, email: u.email, isPlatformAdmin: opts.platformAdmin ?? false } : null,
    opts.tenantSlug ?? u?.slug ?? null,
  );
}

/** A tRPC caller authenticated by an API key (Authorization: Bearer). */
export function callerForKey(db: Db, key: ApiKeyPrincipal) {
  return callerWith(db, { kind: "apiKey", key }, null);
}

/** Every procedure by path, with the meta it declares (permission or platform). */
export const PROCEDURES = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>;
