import { CopyObjectCommand, HeadObjectCommand, RestoreObjectCommand, type StorageClass } from "@aws-sdk/client-s3";
import type { S3Storage } from "./s3-storage";

/** Classes whose objects must be restored (RestoreObject, hours) before they can be read or copied. */
const NEEDS_RESTORE = new Set(["GLACIER", "DEEP_ARCHIVE"]);
/** User metadata naming the tier an object was last moved to (x-amz-meta-si-tier). */
const TIER_META = "si-tier";

function copySource(s3: S3Storage, key: string): string {
  return `${s3.bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

function head(s3: S3Storage, key: string) {
  return s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
}

/**
 * Rewrites an object onto itself in another storage class: S3's way to move
 * it between tiers without changing its key. The tier is also written into
 * the object's metadata, so the object says where it belongs even on stores
 * that keep no storage class (and S3 then always sees a change, which an
 * in-place copy needs). One CopyObject reaches 5 GiB; ingest keeps Parquet
 * parts far smaller.
 */
export async function copyToStorageClass(s3: S3Storage, key: string, storageClass: string): Promise<void> {
  const h = await head(s3, key);
  await s3.client.send(
    new CopyObjectCommand({
      Bucket: s3.bucket,
      Key: key,
      CopySource: copySource(s3, key),
      StorageClass: storageClass as StorageClass,
      MetadataDirective: "REPLACE",
      ContentType: h.ContentType,
      Metadata: { ...h.Metadata, [TIER_META]: storageClass === "STANDARD" ? "warm" : "archive" },
    }),
  );
}

/**
 * Brings an archived object back to STANDARD. A GLACIER or DEEP_ARCHIVE
 * object is first restored by S3 itself (RestoreObject, asynchronous):
 * "pending" until its temporary copy is ready, then it is copied to STANDARD.
 */
export async function restoreFromStorageClass(s3: S3Storage, key: string): Promise<"done" | "pending"> {
  const h = await head(s3, key);
  const cls = h.StorageClass ?? "STANDARD";
  if (cls === "STANDARD" && h.Metadata?.[TIER_META] !== "archive") return "done";
  if (NEEDS_RESTORE.has(cls)) {
    if (!h.Restore) {
      await s3.client.send(new RestoreObjectCommand({ Bucket: s3.bucket, Key: key, RestoreRequest: { Days: 2 } }));
      return "pending";
    }
    if (h.Restore.includes('ongoing-request="true"')) return "pending";
  }
  await copyToStorageClass(s3, key, "STANDARD");
  return "done";
}
