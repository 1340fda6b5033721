import fs from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StorageDriver } from "../storage/storage-driver";
import { BackupError } from "./backup-error";
import type { BackupManifest, BackupObject } from "./backup-manifest";
import { mapParallel, objectPath } from "./backup-objects";
import { HashStream, hashAll } from "./hash-stream";
import { readS3Object } from "./s3-versions";

/** Where a versioned backup's bytes are: the bucket it was made from (any client that can read it). */
export interface VersionSource {
  client: S3Client;
  bucket: string;
}

async function openSource(dir: string, o: BackupObject, source: VersionSource | null): Promise<Readable> {
  if (o.copied) return fs.createReadStream(objectPath(dir, o.key));
  if (!source || !o.versionId)
    throw new BackupError(
      "BAD_BACKUP",
      `${o.key} is not in the backup and no versioned bucket was given to read it from`,
    );
  return (await readS3Object(source.client, source.bucket, o.key, o.versionId)).body;
}

function mismatch(o: BackupObject, hash: HashStream): BackupError {
  return new BackupError(
    "CHECKSUM_MISMATCH",
    `${o.key}: SHA-256 ${hash.digest()} (${hash.bytes} bytes) does not match the manifest's ${o.sha256} (${o.size} bytes); ` +
      "the backup is damaged and the restore stopped",
  );
}

/** Writes one object to the target, hashing on the way; a mismatch removes it again and stops the restore. */
async function restoreObject(dir: string, o: BackupObject, target: StorageDriver, source: VersionSource | null) {
  const hash = new HashStream();
  const body = await openSource(dir, o, source);
  await Promise.all([pipeline(body, hash), target.put(o.key, hash)]);
  if (hash.digest() !== o.sha256 || hash.bytes !== o.size) {
    await target.delete(o.key);
    throw mismatch(o, hash);
  }
}

export async function restoreObjects(opts: {
  dir: string;
  manifest: BackupManifest;
  target: StorageDriver;
  source: VersionSource | null;
}): Promise<number> {
  await mapParallel(opts.manifest.objects, (o) => restoreObject(opts.dir, o, opts.target, opts.source));
  return opts.manifest.objects.reduce((a, o) => a + o.size, 0);
}

/** Reads every copied file and checks it against the manifest, writing nothing (`pnpm restore --verify`). */
export async function verifyCopiedObjects(dir: string, manifest: BackupManifest): Promise<void> {
  await mapParallel(
    manifest.objects.filter((o) => o.copied),
    async (o) => {
      const hash = await hashAll(fs.createReadStream(objectPath(dir, o.key)));
      if (hash.digest() !== o.sha256 || hash.bytes !== o.size) throw mismatch(o, hash);
    },
  );
}
