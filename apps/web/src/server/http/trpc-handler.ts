import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Db } from "@scrollintel/core/db/client";
import type { NotifyListener } from "@scrollintel/core/db/notify-listener";
import type { Logger } from "@scrollintel/core/logger";
import { requestMeta, resolveCaller } from "@/server/auth/resolve-caller";
import { isMappedTrpcError, toTrpcError } from "@/server/trpc/errors";
import { appRouter } from "@/server/trpc/router";
import { bindAbortSignal } from "@scrollintel/core/request-abort";
import { ERROR_TABLE } from "./error-table";
import { refuseUnsafeMutation } from "./mutation-guard";
import { observeRequest } from "./observe-request";
import { beginRequest } from "./request-scope";

export interface TrpcDeps {
  db: Db;
  log: Logger;
  queryEvents?: NotifyListener | null;
  /** NEXTAUTH_URL: the origin our pages are served from (besides the Host a request names). */
  appUrl?: string | null;
}

/**
 * /api/trpc: a request id per request (X-Request-Id on every answer), the
 * caller resolved into the context, and errors from context creation mapped
 * like the procedures' own (a database outage there is a 503 too). Mutations
 * must be JSON from our own origin (mutation-guard.ts). A request whose
 * client already left is answered 499 without work.
 */
export function createTrpcHandler(deps: () => TrpcDeps): (req: Request) => Promise<Response> {
  return (req) => {
    const { db, log: base, queryEvents, appUrl } = deps();
    const scope = beginRequest(base);
    const refused = refuseUnsafeMutation(req, { appUrl });
    if (refused) {
      refused.headers.set("X-Request-Id", scope.requestId);
      return Promise.resolve(refused);
    }
    // A client that left while the request waited in the event loop's backlog: its answer would go nowhere.
    if (req.signal.aborted) return Promise.resolve(clientGoneResponse(scope.requestId));
    return observeRequest(req, scope, () => {
      // The pool (core/db/sql.ts) and each procedure (init.ts) stop there once the client has left.
      bindAbortSignal(req.signal);
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
    });
  };
}

function clientGoneResponse(requestId: string): Response {
  return new Response(null, { status: ERROR_TABLE.CLIENT_GONE.http, headers: { "X-Request-Id": requestId } });
}
