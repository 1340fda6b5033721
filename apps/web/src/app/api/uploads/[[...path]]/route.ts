import { isDomainError } from "@scrollintel/core/errors";
import { resolveUserTenant } from "@scrollintel/core/services/auth-service";
import { resolveCaller, requestMeta } from "@/server/auth/resolve-caller";
import { services } from "@/server/services";
import { HTTP_STATUS } from "@/server/trpc/errors";
import { handleUpload } from "@/server/tus/handle-upload";
import { tusServer } from "@/server/tus/tus-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TUS_HEADERS = { "Tus-Resumable": "1.0.0" };

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { ...TUS_HEADERS, "content-type": "text/plain" } });
}

/**
 * tus endpoint. Every request (POST, PATCH, HEAD, DELETE) is authenticated
 * and bound to the caller's tenant before tus sees it.
 */
async function handler(req: Request): Promise<Response> {
  if (req.method === "OPTIONS") return tusServer().handleWeb(req);
  if (req.method === "POST" && req.headers.has("upload-defer-length")) {
    return plain(400, "Upload-Length is required: uploads of unknown length are not accepted.");
  }
  const caller = await resolveCaller();
  if (!caller) return plain(401, "Sign in first.");
  const meta = requestMeta(req);
  const { db } = services();
  let ctx;
  try {
    ctx = await resolveUserTenant(db, {
      userId: caller.userId,
      tenantSlug: meta.tenantSlug,
      actor: { type: "USER", id: caller.userId, ip: meta.ip, userAgent: meta.userAgent },
    });
  } catch (e) {
    if (isDomainError(e)) return plain(HTTP_STATUS[e.code], e.message);
    throw e;
  }
  // tus runs inside the uploadCaller AsyncLocalStorage, so its hooks act as this ctx only.
  return handleUpload(req, ctx);
}

export { handler as GET, handler as POST, handler as PATCH, handler as HEAD, handler as DELETE, handler as OPTIONS };
