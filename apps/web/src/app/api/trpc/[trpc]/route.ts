import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { resolveCaller, requestMeta } from "@/server/auth/resolve-caller";
import { isDomainError } from "@scrollintel/core/errors";
import { services } from "@/server/services";
import { toTrpcError } from "@/server/trpc/errors";
import { appRouter } from "@/server/trpc/router";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ resHeaders }) => {
      const { db, log, queryEvents } = services();
      const caller = await resolveCaller(db, req).catch((e: unknown) => {
        throw isDomainError(e) ? toTrpcError(e) : e;
      });
      return { db, log, queryEvents, caller, resHeaders, ...requestMeta(req) };
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") services().log.error({ err: error, path }, "tRPC error");
    },
  });
}

export { handler as GET, handler as POST };
