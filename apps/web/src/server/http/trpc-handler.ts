import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Db } from "@scrollintel/core/db/client";
import type { NotifyListener } from "@scrollintel/core/db/notify-listener";
import type { Logger } from "@scrollintel/core/logger";
import { requestMeta, resolveCaller } from "@/server/auth/resolve-caller";
import { isMappedTrpcError, toTrpcError } from "@/server/trpc/errors";
import { appRouter } from "@/server/trpc/router";
import { beginRequest } from "./request-scope";

export interface TrpcDeps {
  db: Db;
  log: Logger;
  queryEvents?: NotifyListener | null;
}

/**
 * /api/trpc: a request id per request (X-Request-Id on every answer), the
 * caller resolved into the context, and errors from context creation mapped
 * like the procedures' own (a database outage there is a 503 too).
 */
export function createTrpcHandler(deps: () => TrpcDeps): (req: Request) => Promise<Response> {
  return (req) => {
    const { db, log: base, queryEvents } = deps();
    const scope = beginRequest(base);
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: async ({ resHeaders }) => {
        const caller = await resolveCaller(db, req).catch((e: unknown) => {
          throw toTrpcError(e, { ...scope, resHeaders });
        });
        return { db, queryEvents, caller, resHeaders, ...scope, ...requestMeta(req) };
      },
      // Retry-After is already in resHeaders: toTrpcError sets it wherever an outage is mapped.
      responseMeta: () => ({ headers: { "X-Request-Id": scope.requestId } }),
      onError: ({ error, path }) => {
        // Mapped errors were logged where they were mapped; this catches the rest (e.g. output serialisation).
        if (error.code === "INTERNAL_SERVER_ERROR" && !isMappedTrpcError(error)) {
          scope.log.error({ err: error.cause ?? error, path }, "unexpected error");
        }
      },
    });
  };
}
