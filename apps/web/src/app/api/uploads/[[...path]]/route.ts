import { isDomainError } from "@scrollintel/core/errors";
import { resolveCaller, requestMeta } from "@/server/auth/resolve-caller";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { services } from "@/server/services";
import { domainErrorResponse, plainResponse } from "@/server/trpc/errors";
import { handleUpload } from "@/server/tus/handle-upload";
import { tusServer } from "@/server/tus/tus-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TUS_HEADERS = { "Tus-Resumable": "1.0.0" };

function plain(status: number, message: string): Response {
  return plainResponse(status, message, TUS_HEADERS);
}

/**
 * tus endpoint. Every request (POST, PATCH, HEAD, DELETE) is authenticated
 * (session or API key) and bound to the caller's tenant before tus sees it.
 */
async function handler(req: Request): Promise<Response> {
  if (req.method === "OPTIONS") return tusServer().handleWeb(req);
  if (req.method === "POST" && req.headers.has("upload-defer-length")) {
    return plain(400, "Upload-Length is required: uploads of unknown length are not accepted.");
  }
  const { db } = services();
  let ctx;
  try {
    const caller = await resolveCaller(db, req);
    if (!caller) return plain(401, "Sign in or send an API key (Authorization: Bearer …).");
    ctx = await resolveTenantCtx(db, caller, requestMeta(req));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return domainErrorResponse(e, TUS_HEADERS);
  }
  // tus runs inside the uploadCaller AsyncLocalStorage, so its hooks act as this ctx only.
  return handleUpload(req, ctx);
}

export { handler as GET, handler as POST, handler as PATCH, handler as HEAD, handler as DELETE, handler as OPTIONS };
