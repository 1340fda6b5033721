import type { Server } from "@tus/server";
import { DomainError } from "@scrollintel/core/errors";
import { resolveRouteTenant, type EdgeCall } from "@/server/http/edge-route";
import { handleUpload } from "@/server/tus/handle-upload";

/** Sent on every tus answer, errors included. */
export const TUS_HEADERS = { "Tus-Resumable": "1.0.0" };

/**
 * The tus endpoint. Every request (POST, PATCH, HEAD, DELETE) is
 * authenticated (session or API key) and bound to the caller's tenant, with
 * the upload permission, before tus sees it.
 */
export function createServeUpload(server: () => Server) {
  return async (call: EdgeCall<object>): Promise<Response> => {
    const { req, deps } = call;
    if (req.method === "OPTIONS") return server().handleWeb(req);
    if (req.method === "POST" && req.headers.has("upload-defer-length")) {
      throw new DomainError("BAD_REQUEST", "Upload-Length is required: uploads of unknown length are not accepted.");
    }
    const { tenant } = await resolveRouteTenant(call, "upload.create");
    // tus runs inside the uploadCaller AsyncLocalStorage, so its hooks act as this ctx only.
    return handleUpload(req, tenant, { db: deps.db, storage: deps.storage, server: server() });
  };
}
