import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import {
  HEADER_BYTES,
  SealedObjectError,
  TAG_BYTES,
  objectKey,
  parseHeader,
  sealChunk,
  type SealedHeader,
} from "./sealed-format";

/**
 * An object sealed a few appends at a time (a tus upload): the object itself
 * only ever receives the header and whole frames; the plaintext after the last
 * whole chunk (less than one chunk) waits, sealed, in a side object until the
 * next append completes its chunk. See docs/architecture.md, "Encryption at rest".
 */

/** The side object holding an unfinished upload's header and its sealed waiting tail. */
export function sealStateKey(uploadKey: string): string {
  return `${uploadKey}.seal`;
}

/** Where an append continues, from the number of bytes the store holds. */
export interface AppendPoint {
  /** Whole frames stored. */
  frames: number;
  /** Stored offset the next append's bytes start at (0: the header is still to come). */
  streamStart: number;
  /** Bytes past streamStart a failed append left behind (a cut frame); re-sealing reproduces them, so they are skipped. */
  skip: number;
}

export function appendPoint(storedBytes: number, chunkBytes: number): AppendPoint {
  if (storedBytes < HEADER_BYTES) return { frames: 0, streamStart: 0, skip: storedBytes };
  const frames = Math.floor((storedBytes - HEADER_BYTES) / (chunkBytes + TAG_BYTES));
  const streamStart = HEADER_BYTES + frames * (chunkBytes + TAG_BYTES);
  return { frames, streamStart, skip: storedBytes - streamStart };
}

/** The side object's state: the object's header, and the sealed plaintext waiting after `afterFrames` frames. */
export interface AppendState {
  header: SealedHeader;
  afterFrames: number;
  /** nonce (12) | AES-256-GCM(tail) | tag (16), or empty when nothing waits. */
  sealedTail: Buffer;
}

const STATE_MAGIC = Buffer.from("SIT1");

export function tailBytes(state: AppendState): number {
  return state.sealedTail.length === 0 ? 0 : state.sealedTail.length - 12 - TAG_BYTES;
}

export function encodeAppendState(s: AppendState): Buffer {
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(s.afterFrames));
  return Buffer.concat([STATE_MAGIC, s.header.raw, n, s.sealedTail]);
}

export function decodeAppendState(b: Buffer, what: string): AppendState {
  if (b.length < 4 + HEADER_BYTES + 8 || !b.subarray(0, 4).equals(STATE_MAGIC)) {
    throw new SealedObjectError(`${what}: not an upload's sealing state`);
  }
  const header = parseHeader(b.subarray(4, 4 + HEADER_BYTES));
  const afterFrames = Number(b.readBigUInt64BE(4 + HEADER_BYTES));
  const sealedTail = Buffer.from(b.subarray(4 + HEADER_BYTES + 8));
  if (sealedTail.length !== 0 && sealedTail.length < 12 + TAG_BYTES) {
    throw new SealedObjectError(`${what}: the waiting tail is cut short`);
  }
  return { header, afterFrames, sealedTail };
}

/**
 * The tail's key is derived from the object's key, so a tail only opens for
 * its own upload; its AAD names the frame it follows. Each tail written gets
 * a fresh random nonce under that key (a few thousand tails per upload at most).
 */
function tailKey(dataKey: Buffer, header: SealedHeader): Buffer {
  return Buffer.from(hkdfSync("sha256", objectKey(dataKey, header), header.salt, "scrollintel upload tail v1", 32));
}

function tailAad(afterFrames: number): Buffer {
  const a = Buffer.alloc(8);
  a.writeBigUInt64BE(BigInt(afterFrames));
  return a;
}

export function sealTail(dataKey: Buffer, header: SealedHeader, afterFrames: number, plain: Buffer): Buffer {
  if (plain.length === 0) return Buffer.alloc(0);
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", tailKey(dataKey, header), iv);
  c.setAAD(tailAad(afterFrames));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

export function openTail(dataKey: Buffer, s: AppendState, what: string): Buffer {
  if (s.sealedTail.length === 0) return Buffer.alloc(0);
  const t = s.sealedTail;
  const d = createDecipheriv("aes-256-gcm", tailKey(dataKey, s.header), t.subarray(0, 12));
  d.setAAD(tailAad(s.afterFrames));
  d.setAuthTag(t.subarray(t.length - TAG_BYTES));
  const body = d.update(t.subarray(12, t.length - TAG_BYTES));
  try {
    d.final();
  } catch {
    throw new SealedObjectError(`${what}: the waiting tail failed authentication (changed, or the key is wrong)`);
  }
  return body;
}

export interface AppendSealerOptions {
  dataKey: Buffer;
  header: SealedHeader;
  /** Whole frames already stored: the first chunk sealed here gets this index. */
  frames: number;
  /** The object's plaintext size: the chunk that reaches it is sealed as the final one. */
  totalBytes: number;
  /** Emit the header first (nothing stored yet). */
  withHeader: boolean;
}

/**
 * Seals plaintext continuing at chunk `frames`: emits only whole non-final
 * frames, and the final frame once the plaintext reaches `totalBytes`. What
 * is left at the end (less than a chunk) is `tail`, for the caller to keep
 * sealed beside the object. Holds at most one chunk plus the piece being added.
 */
export class AppendSealer extends Transform {
  private parts: Buffer[] = [];
  private held = 0;
  private readonly key: Buffer;
  private position: number;
  frames: number;
  tail = Buffer.alloc(0);
  complete = false;

  constructor(private readonly o: AppendSealerOptions) {
    super();
    this.key = objectKey(o.dataKey, o.header);
    this.frames = o.frames;
    this.position = o.frames * o.header.chunkBytes;
    if (o.withHeader) this.push(o.header.raw);
  }

  private takeHeld(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    const rest = all.subarray(n);
    this.parts = rest.length ? [rest] : [];
    this.held = rest.length;
    return all.subarray(0, n);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const size = this.o.header.chunkBytes;
    if (this.position + this.held + chunk.length > this.o.totalBytes) {
      return cb(new SealedObjectError(`the upload would exceed its ${this.o.totalBytes} bytes`));
    }
    if (chunk.length) this.parts.push(chunk);
    this.held += chunk.length;
    // A whole chunk that ends before the object does is never the last: seal it now.
    while (this.held >= size && this.position + size < this.o.totalBytes) {
      this.push(sealChunk(this.key, this.o.header, this.frames++, false, this.takeHeld(size)));
      this.position += size;
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.position + this.held === this.o.totalBytes) {
      this.push(sealChunk(this.key, this.o.header, this.frames++, true, this.takeHeld(this.held)));
      this.position = this.o.totalBytes;
      this.complete = true;
    } else {
      this.tail = Buffer.from(this.takeHeld(this.held));
    }
    cb();
  }
}

/** Drops the first `n` bytes of a stream (a cut frame already stored, reproduced byte for byte). */
export class SkipBytes extends Transform {
  constructor(private left: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.left >= chunk.length) {
      this.left -= chunk.length;
      return cb();
    }
    const out = chunk.subarray(this.left);
    this.left = 0;
    cb(null, out);
  }
}
