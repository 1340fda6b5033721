import { Transform, type TransformCallback } from "node:stream";
import {
  HEADER_BYTES,
  MAGIC,
  TAG_BYTES,
  SealedObjectError,
  objectKey,
  openChunk,
  parseHeader,
  sealChunk,
  type SealedHeader,
} from "./sealed-format";

/** Bytes collected until a whole chunk is there: a list, so a chunk is copied once, not per piece. */
class Collector {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    if (b.length) this.parts.push(b);
    this.length += b.length;
  }
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }
}

/**
 * Encrypts a plaintext stream into the sealed format, chunk by chunk. A whole
 * chunk is held back until more bytes (or the end) show whether it is the last.
 * `firstIndex` and `writeHeader: false` continue an object already begun (tus appends).
 */
export class SealTransform extends Transform {
  private readonly buf = new Collector();
  private index: number;
  private readonly key: Buffer;
  /** Plaintext bytes taken in, so a caller appending to an upload knows how far it got. */
  consumed = 0;

  constructor(
    dataKey: Buffer,
    private readonly header: SealedHeader,
    opts: { firstIndex?: number; writeHeader?: boolean } = {},
  ) {
    super();
    this.key = objectKey(dataKey, header);
    this.index = opts.firstIndex ?? 0;
    if (opts.writeHeader !== false) this.push(header.raw);
  }

  private sealNext(final: boolean): void {
    const plain = this.buf.take(Math.min(this.buf.length, this.header.chunkBytes));
    this.push(sealChunk(this.key, this.header, this.index++, final, plain));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf.push(chunk);
    this.consumed += chunk.length;
    while (this.buf.length > this.header.chunkBytes) this.sealNext(false);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.sealNext(true);
    cb();
  }
}

/**
 * Decrypts a sealed stream. The data key is looked up from the header's key
 * version once the header has arrived; any failure (wrong key, changed,
 * reordered or truncated bytes) errors the stream with a SealedObjectError
 * naming `what`, and no unauthenticated byte is ever passed on.
 */
export class OpenTransform extends Transform {
  private readonly buf = new Collector();
  private header: SealedHeader | null = null;
  private key: Buffer | null = null;
  private index = 0;

  constructor(
    private readonly keyFor: (keyVersion: number) => Promise<Buffer>,
    private readonly what: string,
  ) {
    super();
  }

  private fail(e: unknown): Error {
    const msg = e instanceof Error ? e.message : String(e);
    return e instanceof SealedObjectError ? new SealedObjectError(`${this.what}: ${msg}`) : (e as Error);
  }

  private frameBytes(): number {
    return this.header!.chunkBytes + TAG_BYTES;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf.push(chunk);
    if (!this.header) {
      if (this.buf.length < HEADER_BYTES) return cb();
      try {
        this.header = parseHeader(this.buf.take(HEADER_BYTES));
      } catch (e) {
        return cb(this.fail(e));
      }
      this.keyFor(this.header.keyVersion).then(
        (dataKey) => {
          this.key = objectKey(dataKey, this.header!);
          this.openFrames(false, cb);
        },
        (e: unknown) => cb(this.fail(e)),
      );
      return;
    }
    this.openFrames(false, cb);
  }

  private openFrames(end: boolean, cb: TransformCallback): void {
    try {
      // Keep a whole frame back until more bytes show it is not the last one.
      while (this.buf.length > this.frameBytes()) {
        this.push(openChunk(this.key!, this.header!, this.index++, false, this.buf.take(this.frameBytes())));
      }
      if (end) {
        if (this.buf.length === 0 && this.index > 0) {
          throw new SealedObjectError(
            `the object ends after chunk ${this.index - 1} without its final chunk (truncated)`,
          );
        }
        try {
          this.push(openChunk(this.key!, this.header!, this.index, true, this.buf.take(this.buf.length)));
        } catch {
          throw new SealedObjectError(
            `the last chunk (${this.index}) failed authentication: the object is truncated or was changed`,
          );
        }
      }
      cb();
    } catch (e) {
      cb(this.fail(e));
    }
  }

  override _flush(cb: TransformCallback): void {
    if (!this.header || !this.key) {
      const start = this.buf.take(this.buf.length);
      const plain = start.length >= 4 && !start.subarray(0, 4).equals(MAGIC);
      const why = plain
        ? "not an encrypted object (no SIE1 header): refusing to read it as plaintext"
        : "the object is cut short inside its header";
      return cb(this.fail(new SealedObjectError(why)));
    }
    this.openFrames(true, cb);
  }
}
