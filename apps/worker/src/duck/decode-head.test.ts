import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeHead } from "./decode-head";

const MB = 1024 * 1024;

describe("decodeHead", () => {
  it("never decodes past its limit, however far a small compressed head inflates", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MB, 0x61)); // about 64 KB of gzip
    const d = await decodeHead(bomb, "gzip", { max: MB, rawIsWhole: true });
    expect(d.bytes.length).toBe(MB);
    expect(d.whole).toBe(false);
  });

  it("says a head is the whole file only when the raw head was and the stream ended", async () => {
    const small = zlib.gzipSync(Buffer.from("a,b\n1,2\n"));
    await expect(decodeHead(small, "gzip", { max: MB, rawIsWhole: true })).resolves.toMatchObject({ whole: true });
    const cut = await decodeHead(small.subarray(0, small.length - 8), "gzip", { max: MB, rawIsWhole: false });
    expect(cut.whole).toBe(false);
    expect(cut.bytes.toString()).toBe("a,b\n1,2\n");
    const plain = await decodeHead(Buffer.from("x\n"), "none", { max: 1, rawIsWhole: true });
    expect(plain).toMatchObject({ whole: false });
    expect(plain.bytes.toString()).toBe("x");
  });
});
