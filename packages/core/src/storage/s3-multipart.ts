import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import type { S3Storage } from "./s3-storage";

export interface UnfinishedUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/**
 * Multipart uploads started under a prefix and never completed or aborted:
 * not objects (a listing does not show them), yet their parts are billed.
 */
export async function* findUnfinishedUploads(s3: S3Storage, prefix: string): AsyncIterable<UnfinishedUpload> {
  let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = marker;
    const r = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix, ...page }));
    for (const u of r.Uploads ?? []) {
      if (u.Key && u.UploadId) yield { key: u.Key, uploadId: u.UploadId, initiated: u.Initiated };
    }
    if (!r.IsTruncated) return;
    marker = { KeyMarker: r.NextKeyMarker, UploadIdMarker: r.NextUploadIdMarker };
  }
}

export async function abortUnfinishedUpload(s3: S3Storage, u: UnfinishedUpload): Promise<void> {
  await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: u.key, UploadId: u.uploadId }));
}
