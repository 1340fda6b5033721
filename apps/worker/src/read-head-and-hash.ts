import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

export interface HeadAndHash {
  /** The object's first bytes (up to the limit asked for). */
  head: Buffer;
  /** Null when the caller already knew it and hashing was skipped. */
  sha256: string | null;
  size: number;
  /** The head is the whole object. */
  whole: boolean;
}

/**
 * One streaming pass over a stored object: its SHA-256 and size, keeping
 * only its first `headBytes` in memory, whatever the object's size. With
 * `hash: false` it stops reading once the head is in.
 */
export async function readHeadAndHash(
  storage: StorageDriver,
  key: string,
  opts: { headBytes: number; hash: boolean },
): Promise<HeadAndHash> {
  const h = opts.hash ? createHash("sha256") : null;
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  const source = await storage.get(key);
  const stop = new AbortController();
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      h?.update(chunk);
      if (kept < opts.headBytes) {
        const part = chunk.subarray(0, opts.headBytes - kept);
        chunks.push(Buffer.from(part));
        kept += part.length;
      }
      // Without a hash to finish, the rest of the object is not needed.
      if (!h && kept >= opts.headBytes) stop.abort();
      cb();
    },
  });
  try {
    await pipeline(source, sink, { signal: stop.signal });
  } catch (e) {
    if (!stop.signal.aborted) throw e;
  }
  const head = Buffer.concat(chunks);
  return { head, sha256: h ? h.digest("hex") : null, size, whole: !stop.signal.aborted && size === head.length };
}
