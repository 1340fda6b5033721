import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * The at-rest format of every object when storage encryption is on
 * (docs/architecture.md, "Encryption at rest"):
 *
 *   header (48 B): "SIE1" | version u8 | 3 zero bytes | key version u32 | chunk size u32 | salt (32 B)
 *   frames:        AES-256-GCM(chunk i) | tag (16 B), every chunk CHUNK plaintext bytes but the last
 *
 * The object key is HKDF(tenant data key, salt), so a fresh salt per write never reuses a nonce;
 * chunk i's nonce is its index, and its AAD is header | index | final flag, so a reordered,
 * dropped, truncated or extended frame fails authentication. Frames are fixed-size, so the
 * plaintext size follows from the stored size without reading the object.
 */
export const MAGIC = Buffer.from("SIE1");
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 48;
export const TAG_BYTES = 16;
/** 1 MiB: a stream holds about two chunks, whatever the object's size. */
export const CHUNK_BYTES = 1024 * 1024;

export interface SealedHeader {
  keyVersion: number;
  chunkBytes: number;
  salt: Buffer;
  raw: Buffer;
}

/** Thrown for any object that cannot be authenticated: the message names the object and what failed. */
export class SealedObjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedObjectError";
  }
}

export function newHeader(keyVersion: number, chunkBytes = CHUNK_BYTES): SealedHeader {
  const raw = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(raw, 0);
  raw.writeUInt8(FORMAT_VERSION, 4);
  raw.writeUInt32BE(keyVersion, 8);
  raw.writeUInt32BE(chunkBytes, 12);
  const salt = randomBytes(32);
  salt.copy(raw, 16);
  return { keyVersion, chunkBytes, salt, raw };
}

export function parseHeader(raw: Buffer): SealedHeader {
  if (raw.length < HEADER_BYTES || !raw.subarray(0, 4).equals(MAGIC)) {
    throw new SealedObjectError("not an encrypted object (no SIE1 header): refusing to read it as plaintext");
  }
  if (raw.readUInt8(4) !== FORMAT_VERSION) throw new SealedObjectError(`unknown format version ${raw.readUInt8(4)}`);
  const chunkBytes = raw.readUInt32BE(12);
  if (chunkBytes < 16 || chunkBytes > 64 * 1024 * 1024) throw new SealedObjectError("bad chunk size in header");
  const head = Buffer.from(raw.subarray(0, HEADER_BYTES));
  return { keyVersion: head.readUInt32BE(8), chunkBytes, salt: head.subarray(16, 48), raw: head };
}

/** The per-object key: the data key never encrypts a byte itself. */
export function objectKey(dataKey: Buffer, header: SealedHeader): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, header.salt, "scrollintel object v1", 32));
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aad(header: SealedHeader, index: number, final: boolean): Buffer {
  const a = Buffer.alloc(HEADER_BYTES + 9);
  header.raw.copy(a, 0);
  a.writeBigUInt64BE(BigInt(index), HEADER_BYTES);
  a.writeUInt8(final ? 1 : 0, HEADER_BYTES + 8);
  return a;
}

/** One frame: the chunk's ciphertext followed by its tag. */
export function sealChunk(key: Buffer, header: SealedHeader, index: number, final: boolean, plain: Buffer): Buffer {
  const c = createCipheriv("aes-256-gcm", key, nonce(index));
  c.setAAD(aad(header, index, final));
  const body = c.update(plain);
  c.final();
  return Buffer.concat([body, c.getAuthTag()]);
}

export function openChunk(key: Buffer, header: SealedHeader, index: number, final: boolean, frame: Buffer): Buffer {
  if (frame.length < TAG_BYTES) throw new SealedObjectError(`chunk ${index} is cut short`);
  const d = createDecipheriv("aes-256-gcm", key, nonce(index));
  d.setAAD(aad(header, index, final));
  d.setAuthTag(frame.subarray(frame.length - TAG_BYTES));
  const body = d.update(frame.subarray(0, frame.length - TAG_BYTES));
  try {
    d.final();
  } catch {
    throw new SealedObjectError(
      `chunk ${index} failed authentication: the object was changed, truncated or reordered, or the key is wrong`,
    );
  }
  return body;
}

/** Stored bytes of an object of `plainBytes`: header, the plaintext, one tag per chunk (at least one). */
export function sealedSize(plainBytes: number, chunkBytes = CHUNK_BYTES): number {
  return HEADER_BYTES + plainBytes + TAG_BYTES * Math.max(1, Math.ceil(plainBytes / chunkBytes));
}

/** The inverse of sealedSize; null when the stored size cannot be a whole sealed object. */
export function plainSize(storedBytes: number, chunkBytes = CHUNK_BYTES): number | null {
  if (storedBytes < HEADER_BYTES + TAG_BYTES) return null;
  const frames = Math.ceil((storedBytes - HEADER_BYTES) / (chunkBytes + TAG_BYTES));
  const plain = storedBytes - HEADER_BYTES - frames * TAG_BYTES;
  return plain >= 0 && sealedSize(plain, chunkBytes) === storedBytes ? plain : null;
}
