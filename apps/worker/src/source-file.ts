import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { forEachRawChunk } from "./duck/decoded-stream";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

/**
 * A local path for an object: the object itself on local storage, or a
 * streamed copy in `scratchDir` otherwise. The caller removes scratchDir.
 */
export async function localCopyOf(storage: StorageDriver, key: string, scratchDir: string): Promise<string> {
  const direct = storage.localPath(key);
  if (direct) return direct;
  fs.mkdirSync(scratchDir, { recursive: true });
  const dest = path.join(scratchDir, path.basename(key));
  await pipeline(await storage.get(key), fs.createWriteStream(dest));
  return dest;
}

/** One read into a reused buffer: a stream's fresh chunk per read cost as much CPU as the hash (measured). */
export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  await forEachRawChunk(file, (b) => h.update(b));
  return h.digest("hex");
}

/**
 * Why a stored upload cannot be trusted, or null: its size must equal what
 * was declared at creation, and its SHA-256 what the uploader declared, if
 * it declared one. The message is for the person who uploaded it.
 */
export function integrityProblem(
  file: string,
  sha256: string | null,
  upload: { filename: string; sizeBytes: bigint; expectedSha256: string | null },
): string | null {
  const size = BigInt(fs.statSync(file).size);
  if (size !== upload.sizeBytes) {
    return `${upload.filename} arrived damaged: storage holds ${size} bytes but ${upload.sizeBytes} were declared. Upload it again.`;
  }
  if (sha256 && upload.expectedSha256 && upload.expectedSha256 !== sha256) {
    return `${upload.filename} arrived damaged: its SHA-256 is ${sha256} but the uploader declared ${upload.expectedSha256}. Upload it again.`;
  }
  return null;
}
