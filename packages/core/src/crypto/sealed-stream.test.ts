import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { HEADER_BYTES, TAG_BYTES, SealedObjectError, newHeader, plainSize, sealedSize } from "./sealed-format";
import { OpenTransform, SealTransform } from "./sealed-stream";

const CHUNK = 64;
const key = randomBytes(32);

async function seal(plain: Buffer, pieces = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces) parts.push(plain.subarray(i, i + pieces));
  return buffer(Readable.from(parts).pipe(new SealTransform(key, newHeader(3, CHUNK))));
}

function open(sealed: Buffer, k = key): Promise<Buffer> {
  const t = new OpenTransform((v) => (v === 3 ? Promise.resolve(k) : Promise.reject(new Error("no key"))), "obj");
  return buffer(Readable.from([sealed]).pipe(t));
}

const frame = CHUNK + TAG_BYTES;

describe("sealed stream", () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 17])("round-trips %i bytes", async (n) => {
    const plain = randomBytes(n);
    const sealed = await seal(plain);
    expect(sealed.length).toBe(sealedSize(n, CHUNK));
    expect(plainSize(sealed.length, CHUNK)).toBe(n);
    expect((await open(sealed)).equals(plain)).toBe(true);
  });

  it("shows no plaintext", async () => {
    const marker = Buffer.from("PLAINTEXT-MARKER-".repeat(20));
    const sealed = await seal(marker);
    expect(sealed.includes(Buffer.from("PLAINTEXT-MARKER"))).toBe(false);
  });

  it("detects a changed byte, a dropped final chunk, a cut inside a chunk, and reordered chunks", async () => {
    const sealed = await seal(randomBytes(3 * CHUNK + 10));
    const flipped = Buffer.from(sealed);
    flipped[HEADER_BYTES + frame + 5]! ^= 1;
    await expect(open(flipped)).rejects.toThrow(/chunk 1 failed authentication/);
    await expect(open(sealed.subarray(0, HEADER_BYTES + 3 * frame))).rejects.toThrow(/truncated/);
    await expect(open(sealed.subarray(0, sealed.length - 3))).rejects.toThrow(/truncated or was changed/);
    const swapped = Buffer.concat([
      sealed.subarray(0, HEADER_BYTES),
      sealed.subarray(HEADER_BYTES + frame, HEADER_BYTES + 2 * frame),
      sealed.subarray(HEADER_BYTES, HEADER_BYTES + frame),
      sealed.subarray(HEADER_BYTES + 2 * frame),
    ]);
    await expect(open(swapped)).rejects.toBeInstanceOf(SealedObjectError);
    await expect(open(Buffer.concat([sealed, Buffer.from("x")]))).rejects.toBeInstanceOf(SealedObjectError);
  });

  it("refuses the wrong key, a changed header and plaintext", async () => {
    const sealed = await seal(randomBytes(100));
    await expect(open(sealed, randomBytes(32))).rejects.toThrow(/failed authentication/);
    const header = Buffer.from(sealed);
    header[20]! ^= 1; // the salt
    await expect(open(header)).rejects.toThrow(/failed authentication/);
    await expect(open(Buffer.from("id,name\n1,a\n"))).rejects.toThrow(/not an encrypted object/);
  });

  it("keeps memory flat: output arrives chunk by chunk while input streams", async () => {
    let outMax = 0;
    const t = new SealTransform(key, newHeader(1, CHUNK));
    t.on("data", (b: Buffer) => (outMax = Math.max(outMax, b.length)));
    await new Promise<void>((resolve, reject) => {
      Readable.from(
        (function* () {
          for (let i = 0; i < 1000; i++) yield randomBytes(50);
        })(),
      )
        .pipe(t)
        .on("end", resolve)
        .on("error", reject);
    });
    expect(outMax).toBeLessThanOrEqual(frame);
  });
});
