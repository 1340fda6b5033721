import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Config } from "../config";
import { archiveKeyOf } from "../keys";
import { copyToStorageClass, restoreFromStorageClass } from "../storage/s3-archive";
import { rawStorage } from "../storage/encrypted-storage";
import type { S3Storage } from "../storage/s3-storage";
import type { StorageDriver } from "../storage/storage-driver";

/**
 * Rewrites a Parquet file at `src` (a local path) into `dest` with a higher
 * compression level: the worker passes DuckDB's COPY (core loads no DuckDB).
 */
export type Recompress = (src: string, dest: string) => Promise<void>;

/** Where an object of an ARCHIVED dataset lives: S3 archives in place (storage class), local disk under archive/. */
export function archivedLocation(kind: StorageDriver["kind"], key: string): string {
  return kind === "s3" ? key : archiveKeyOf(key);
}

/**
 * Moves one object to the cold tier and returns its size there. Idempotent,
 * so a crashed move is finished by running it again: on local disk a
 * missing original with an archive copy present means "already moved".
 */
export async function archiveObject(
  storage: StorageDriver,
  key: string,
  opts: { config: Config; recompress: Recompress; scratch: string },
): Promise<number> {
  if (storage.kind === "s3") {
    // The stored (encrypted, when on) bytes move as they are: no decryption for a class change.
    await copyToStorageClass(rawStorage(storage) as S3Storage, key, opts.config.S3_ARCHIVE_STORAGE_CLASS);
    return (await storage.stat(key))?.size ?? 0;
  }
  const dest = archiveKeyOf(key);
  if (!(await storage.stat(key))) {
    const moved = await storage.stat(dest);
    if (!moved) throw new Error(`object to archive is missing: ${key}`);
    return moved.size;
  }
  // Encrypted objects have no usable local path: recompress a decrypted scratch copy.
  let src = storage.localPath(key);
  if (!src) {
    src = `${opts.scratch}.src`;
    await pipeline(await storage.get(key), fs.createWriteStream(src));
  }
  try {
    await opts.recompress(src, opts.scratch);
    // Never larger than it was: usage may only grow through a reservation, and a tiny file can
    // gain from recompression (footer overhead). Such a file goes to the archive as it is.
    const smaller = fs.statSync(opts.scratch).size < fs.statSync(src).size;
    await storage.put(dest, fs.createReadStream(smaller ? opts.scratch : src));
  } finally {
    fs.rmSync(opts.scratch, { force: true });
    fs.rmSync(`${opts.scratch}.src`, { force: true });
  }
  await storage.delete(key);
  return (await storage.stat(dest))?.size ?? 0;
}

/** Brings one object back to the warm tier; "pending" while S3 is still thawing it. */
export async function restoreObject(storage: StorageDriver, key: string): Promise<"done" | "pending"> {
  if (storage.kind === "s3") return restoreFromStorageClass(rawStorage(storage) as S3Storage, key);
  const from = archiveKeyOf(key);
  if (!(await storage.stat(from))) {
    if (await storage.stat(key)) return "done";
    throw new Error(`archived object is missing: ${from}`);
  }
  await storage.put(key, await storage.get(from));
  await storage.delete(from);
  return "done";
}
