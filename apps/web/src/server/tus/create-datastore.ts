import { FileStore } from "@tus/file-store";
import { S3Store } from "@tus/s3-store";
import type { DataStore } from "@tus/server";
import type { Config } from "@scrollintel/core/config";
import { localStorageRoot } from "@scrollintel/core/storage/create-storage";
import { s3ClientConfig } from "@scrollintel/core/storage/s3-client-config";
import { addSseMiddleware, sseParams } from "@scrollintel/core/storage/s3-sse";
import { isEncrypted } from "@scrollintel/core/storage/encrypted-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { SealedTusStore } from "./sealed-tus-store";

/** 1 TiB: the largest single file we accept. */
export const MAX_UPLOAD_BYTES = 1024 ** 4;

/**
 * Every S3 part but the last is exactly this size: 1 TiB fits in 8,192 parts
 * (S3 allows 10,000). Making it the minimum too means a PATCH that ends
 * mid-part parks the rest as an incomplete part instead of uploading a small
 * part, so the part count depends on bytes, never on the client's chunk size.
 */
export const S3_PART_BYTES = 128 * 1024 * 1024;

/**
 * The tus store over the same place the StorageDriver reads: files under
 * DATA_DIR/storage, or the S3 bucket. Either way the finished upload is the
 * object at its key (tenants/{tenantId}/uploads/{uploadId}). With storage
 * encryption on, `storage` is the encrypting driver and the store seals every
 * byte before it is stored (SealedTusStore), with the same tenant keys.
 */
export function createTusDatastore(config: Config, storage?: StorageDriver): DataStore {
  const store =
    config.STORAGE_DRIVER === "s3"
      ? new S3Store({ partSize: S3_PART_BYTES, minPartSize: S3_PART_BYTES, s3ClientConfig: s3ClientConfig(config) })
      : new FileStore({ directory: localStorageRoot(config) });
  // S3 server-side encryption (S3_SSE) on the multipart uploads tus makes, as on the driver's writes.
  if (store instanceof S3Store)
    addSseMiddleware(
      (store as unknown as { client: Parameters<typeof addSseMiddleware>[0] }).client,
      sseParams(config),
    );
  // Upload-Length is required (a quota is reserved from it), so do not offer deferring it.
  store.extensions = store.extensions.filter((e) => e !== "creation-defer-length");
  if (!config.storageEncryption) return store;
  if (!storage || !isEncrypted(storage))
    throw new Error("STORAGE_ENCRYPTION is on: the tus store needs the encrypting driver");
  return new SealedTusStore(store, storage.raw, storage.keyring);
}
