import type { Db } from "@scrollintel/core/db/client";
import { createLogger } from "@scrollintel/core/logger";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import type { TestUser } from "./factories";

const log = createLogger({ name: "test", level: "silent" });
const createCaller = createCallerFactory(appRouter);

/** A tRPC caller acting as `u` in its tenant, exactly as the route handler would build it. */
export function callerFor(db: Db, u: TestUser | null, opts: { tenantSlug?: string } = {}) {
  return createCaller({
    db,
    log,
    caller: u ? { userId: u.id, email: u.email, isPlatformAdmin: false } : null,
    tenantSlug: opts.tenantSlug ?? u?.slug ?? null,
    ip: "127.0.0.1",
    userAgent: "vitest",
    resHeaders: new Headers(),
  });
}
