import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { StorageDriver, StoredObject } from "../storage/storage-driver";
import { S3Storage } from "../storage/s3-storage";
import type { BackupManifest, BackupObject } from "./backup-manifest";
import { HashStream, hashAll } from "./hash-stream";
import { readS3Object } from "./s3-versions";

type Mode = BackupManifest["storage"]["mode"];

/** Objects read at once: S3 wants several requests in flight; local disks do not mind. */
const PARALLEL = 4;

export function objectPath(dir: string, key: string): string {
  return path.join(dir, "objects", ...key.split("/"));
}

/** Reads one referenced object once: hashes it and, in copy mode, writes it under dir/objects. */
export async function backUpObject(
  storage: StorageDriver,
  dir: string,
  key: string,
  mode: Mode,
): Promise<BackupObject> {
  try {
    return await readObject(storage, dir, key, mode);
  } catch (e) {
    // An S3 archive class, a permission, a vanished file: the operator needs the key.
    throw new Error(`reading ${key} for the backup failed: ${(e as Error).message}`, { cause: e });
  }
}

async function readObject(storage: StorageDriver, dir: string, key: string, mode: Mode): Promise<BackupObject> {
  if (mode === "s3-versions") {
    const s3 = storage as S3Storage;
    const { body, versionId } = await readS3Object(s3.client, s3.bucket, key);
    if (!versionId) throw new Error(`S3 served ${key} without a version id: is bucket versioning on?`);
    const hash = await hashAll(body);
    return { key, size: hash.bytes, sha256: hash.digest(), versionId, copied: false };
  }
  const dest = objectPath(dir, key);
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const hash = new HashStream();
  await pipeline(await storage.get(key), hash, fs.createWriteStream(dest));
  return { key, size: hash.bytes, sha256: hash.digest(), copied: true };
}

/** Size and SHA-256 of an object the backup only lists. */
export async function hashObject(
  storage: StorageDriver,
  key: string,
): Promise<{ key: string; size: number; sha256: string }> {
  const hash = await hashAll(await storage.get(key));
  return { key, size: hash.bytes, sha256: hash.digest() };
}

/** Runs `fn` over `items`, `PARALLEL` at a time, keeping the input order in the result. */
export async function mapParallel<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
  return out;
}

/** Every object in storage now (all keys live under tenants/). */
export async function listAllObjects(storage: StorageDriver): Promise<StoredObject[]> {
  const all: StoredObject[] = [];
  for await (const o of storage.list("tenants/")) all.push(o);
  return all;
}

export function isS3(storage: StorageDriver): storage is S3Storage {
  return storage instanceof S3Storage;
}
