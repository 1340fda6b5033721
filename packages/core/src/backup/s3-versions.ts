import type { Readable } from "node:stream";
import { GetBucketVersioningCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config";
import { s3ClientConfig } from "../storage/s3-client-config";

/**
 * Whether the bucket keeps every version of every object. Only then can a
 * manifest name versions instead of holding copies: a later overwrite or
 * delete leaves the named version readable. A server without the call
 * (NotImplemented) counts as unversioned.
 */
export async function isBucketVersioned(client: S3Client, bucket: string): Promise<boolean> {
  try {
    const r = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return r.Status === "Enabled";
  } catch (e) {
    if ((e as { name?: string }).name === "NotImplemented") return false;
    throw e;
  }
}

/** Reads one object (the current version, or `versionId`), with the version id S3 served. */
export async function readS3Object(
  client: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<{ body: Readable; versionId?: string }> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return { body: r.Body as Readable, versionId: r.VersionId };
}

/** A client for the bucket a versioned backup names, with this instance's S3 settings. */
export function createVersionSource(config: Config, bucket: string | undefined): { client: S3Client; bucket: string } {
  const { bucket: configured, ...clientConfig } = s3ClientConfig(config);
  return { client: new S3Client(clientConfig), bucket: bucket ?? configured };
}
