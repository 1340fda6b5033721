import { createHash } from "node:crypto";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A pass-through that hashes (SHA-256) and counts what flows through it. */
export class HashStream extends Transform {
  private readonly hash = createHash("sha256");
  bytes = 0;
  private hex: string | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    done();
  }

  /** The hex digest, once the stream has ended. */
  digest(): string {
    this.hex ??= this.hash.digest("hex");
    return this.hex;
  }
}

/** Reads a stream to its end through a HashStream, keeping nothing. */
export async function hashAll(body: Readable): Promise<HashStream> {
  const hash = new HashStream();
  await pipeline(body, hash, new Writable({ write: (_c, _e, done) => done() }));
  return hash;
}
