import "server-only";
import type { Server } from "@tus/server";
import type { Db } from "@scrollintel/core/db/client";
import { uploadKey } from "@scrollintel/core/keys";
import { abandonUpload, findUploadHours, uploadExpiresAt } from "@scrollintel/core/services/upload-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { services } from "@/server/services";
import { finishStoredUpload, tusServer, uploadCaller } from "./tus-server";

/**
 * tus expiration: an unfinished upload lives its tenant's `uploadHours` past
 * its last request (the worker's expire-uploads sweep enforces it), so every
 * successful request on one announces the new deadline.
 */
async function withExpiry(method: string, res: Response, uploadHours: () => Promise<number>): Promise<Response> {
  if (!res.ok || !["POST", "PATCH", "HEAD"].includes(method) || res.headers.has("upload-dataset-id")) return res;
  const offset = res.headers.get("upload-offset");
  const length = res.headers.get("upload-length");
  if (offset !== null && length !== null && offset === length) return res;
  res.headers.set("Upload-Expires", uploadExpiresAt(new Date(), await uploadHours()).toUTCString());
  return res;
}

/**
 * A HEAD on an upload whose bytes are all stored also finishes it (idempotent)
 * and names its dataset. Without this, an upload whose last PATCH stored
 * everything but whose finish failed (database down, server killed between
 * the two) would look complete to the client and never become a dataset.
 */
async function finishOnHead(deps: { db: Db; storage: StorageDriver }, ctx: TenantCtx, req: Request, res: Response) {
  const offset = res.headers.get("upload-offset");
  if (req.method !== "HEAD" || res.status !== 200 || offset === null || offset !== res.headers.get("upload-length")) {
    return res;
  }
  const id = new URL(req.url).pathname.split("/").pop() ?? "";
  try {
    res.headers.set("Upload-Dataset-Id", await finishStoredUpload(deps, ctx, uploadKey(ctx.tenantId, id)));
    return res;
  } catch (e) {
    const refusal = e as { status_code?: number };
    if (!refusal.status_code) throw e;
    return new Response(null, { status: refusal.status_code, headers: { "Tus-Resumable": "1.0.0" } });
  }
}

/** Runs one authenticated tus request as `ctx`: the tus hooks read the caller from uploadCaller. */
export async function handleUpload(
  req: Request,
  ctx: TenantCtx,
  deps: { db: Db; storage: StorageDriver; server: Server } = { ...services(), server: tusServer() },
): Promise<Response> {
  const res = await uploadCaller.run(ctx, () => deps.server.handleWeb(req));
  if (req.method === "DELETE" && res.status === 204) {
    // Give the reservation back. Should this fail, the expiry sweep releases it.
    const id = new URL(req.url).pathname.split("/").pop() ?? "";
    await abandonUpload(deps.db, ctx, { uploadId: id, status: "TERMINATED" });
    // @tus/s3-store's remove() leaves the parked incomplete part (<key>.part) behind.
    await deps.storage.deletePrefix(uploadKey(ctx.tenantId, id));
  }
  return withExpiry(req.method, await finishOnHead(deps, ctx, req, res), () => findUploadHours(deps.db, ctx.tenantId));
}
