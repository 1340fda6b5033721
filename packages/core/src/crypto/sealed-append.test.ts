import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { AppendSealer, SkipBytes, appendPoint, openTail, sealTail, type AppendState } from "./sealed-append";
import { TAG_BYTES, newHeader, sealedSize } from "./sealed-format";
import { OpenTransform } from "./sealed-stream";

const CHUNK = 64;
const key = randomBytes(32);

/** Appends `plain` in the given PATCH sizes as the sealed tus store does: frames stored, tail carried. */
async function appendAll(plain: Buffer, patches: number[]): Promise<Buffer> {
  const header = newHeader(2, CHUNK);
  let stored = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let at = 0;
  for (const n of patches) {
    const point = appendPoint(stored.length, CHUNK);
    const sealer = new AppendSealer({
      dataKey: key,
      header,
      frames: point.frames,
      totalBytes: plain.length,
      withHeader: point.streamStart === 0,
    });
    const out = await buffer(Readable.from([tail, plain.subarray(at, at + n)]).pipe(sealer));
    stored = Buffer.concat([stored, out]);
    tail = sealer.tail;
    at += n;
    expect(sealer.complete ? plain.length : sealer.frames * CHUNK + tail.length).toBe(at);
  }
  return stored;
}

const open = (sealed: Buffer) =>
  buffer(Readable.from([sealed]).pipe(new OpenTransform(() => Promise.resolve(key), "upload")));

describe("sealed append", () => {
  it.each([
    [0, [0]],
    [CHUNK, [CHUNK]],
    [5 * CHUNK + 9, [7, CHUNK, 3 * CHUNK, 66]],
    [4 * CHUNK, [CHUNK + 1, CHUNK - 1, 2 * CHUNK]],
  ])("appends %i bytes in PATCHes %j into the one sealed object a single write makes", async (size, patches) => {
    const plain = randomBytes(size);
    const sealed = await appendAll(plain, patches);
    expect(sealed.length).toBe(sealedSize(size, CHUNK));
    expect((await open(sealed)).equals(plain)).toBe(true);
  });

  it("finds where to continue from the stored size, a cut frame included", () => {
    const frame = CHUNK + TAG_BYTES;
    expect(appendPoint(0, CHUNK)).toEqual({ frames: 0, streamStart: 0, skip: 0 });
    expect(appendPoint(20, CHUNK)).toEqual({ frames: 0, streamStart: 0, skip: 20 });
    expect(appendPoint(48 + 2 * frame + 5, CHUNK)).toEqual({ frames: 2, streamStart: 48 + 2 * frame, skip: 5 });
  });

  it("skips exactly the bytes a cut frame already stored", async () => {
    const out = await buffer(Readable.from([Buffer.from("abcdef")]).pipe(new SkipBytes(4)));
    expect(out.toString()).toBe("ef");
  });

  it("opens a tail only with its upload's key and for the frame it follows", () => {
    const header = newHeader(1, CHUNK);
    const plain = Buffer.from("id,name\n1,Ada");
    const state: AppendState = { header, afterFrames: 3, sealedTail: sealTail(key, header, 3, plain) };
    expect(state.sealedTail.includes(plain)).toBe(false);
    expect(openTail(key, state, "t").equals(plain)).toBe(true);
    expect(() => openTail(randomBytes(32), state, "t")).toThrow(/failed authentication/);
    expect(() => openTail(key, { ...state, afterFrames: 4 }, "t")).toThrow(/failed authentication/);
    expect(() => openTail(key, { ...state, header: newHeader(1, CHUNK) }, "t")).toThrow(/failed authentication/);
  });

  it("refuses bytes past the object's size", async () => {
    const sealer = new AppendSealer({
      dataKey: key,
      header: newHeader(1, CHUNK),
      frames: 0,
      totalBytes: 10,
      withHeader: true,
    });
    await expect(buffer(Readable.from([randomBytes(11)]).pipe(sealer))).rejects.toThrow(/exceed its 10 bytes/);
  });
});
