import type { Server } from "@tus/server";
import { DomainError } from "@scrollintel/core/errors";
import { auditRefusal } from "@scrollintel/core/services/refusal-audit-service";
import { resolveRouteTenant, routeAction, type EdgeCall } from "@/server/http/edge-route";
import { handleUpload } from "@/server/tus/handle-upload";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";

/** A PATCH (or a POST with its first bytes) moved the offset by the bytes it stored. */
function countUploadBytes(req: Request, res: Response): void {
  if ((req.method !== "PATCH" && req.method !== "POST") || res.status >= 300) return;
  const after = Number(res.headers.get("upload-offset"));
  const before = req.method === "PATCH" ? Number(req.headers.get("upload-offset")) : 0;
  if (Number.isFinite(after) && Number.isFinite(before) && after > before) webMetrics().uploadBytes.inc(after - before);
}

/** Sent on every tus answer, errors included. */
export const TUS_HEADERS = { "Tus-Resumable": "1.0.0" };

/**
 * The tus endpoint. Every request (POST, PATCH, HEAD, DELETE) is
 * authenticated (session or API key) and bound to the caller's tenant, with
 * the upload permission (and, but for HEAD, an active tenant), before tus
 * sees it; tus's own hooks then check the upload's owner (checkRequest).
 * Refusals (403, and 404 on ids this tenant does not have) are audited.
 */
export function createServeUpload(server: () => Server) {
  return async (call: EdgeCall<object>): Promise<Response> => {
    const { req, deps } = call;
    if (req.method === "OPTIONS") return server().handleWeb(req);
    if (req.method === "POST" && req.headers.has("upload-defer-length")) {
      throw new DomainError("BAD_REQUEST", "Upload-Length is required: uploads of unknown length are not accepted.");
    }
    const access = req.method === "HEAD" ? "read" : "write";
    const { tenant } = await resolveRouteTenant(call, "upload.create", access);
    // tus runs inside the uploadCaller AsyncLocalStorage, so its hooks act as this ctx only.
    const res = await handleUpload(req, tenant, { db: deps.db, storage: deps.storage, server: server() });
    if (res.status === 403 || res.status === 404) {
      const code = res.status === 403 ? "FORBIDDEN" : "NOT_FOUND";
      const target = new URL(req.url).pathname.split("/").pop() ?? null;
      await auditRefusal(deps.db, tenant, { action: routeAction(req), error: { code, message: "refused" }, target });
    }
    countUploadBytes(req, res);
    return res;
  };
}
