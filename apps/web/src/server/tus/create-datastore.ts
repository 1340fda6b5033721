import { FileStore } from "@tus/file-store";
import { S3Store } from "@tus/s3-store";
import type { DataStore } from "@tus/server";
import type { Config } from "@scrollintel/core/config";
import { localStorageRoot } from "@scrollintel/core/storage/create-storage";
import { s3ClientConfig } from "@scrollintel/core/storage/s3-client-config";

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
 * object at its key (tenants/{tenantId}/uploads/{uploadId}).
 */
export function createTusDatastore(config: Config): DataStore {
  if (config.STORAGE_DRIVER === "s3") {
    return new S3Store({
      partSize: S3_PART_BYTES,
      minPartSize: S3_PART_BYTES,
      s3ClientConfig: s3ClientConfig(config),
    });
  }
  return new FileStore({ directory: localStorageRoot(config) });
}
