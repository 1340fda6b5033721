import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { findInvalidUtf8, findLineEndChange, findLongLine } from "./scan-lines";
import { Utf8Transcoder } from "./transcode-source";

async function run(chunks: Buffer[], encoding: string, normalize: boolean): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(new Utf8Transcoder(encoding, normalize))) out.push(c as Buffer);
  return Buffer.concat(out).toString("utf8");
}

describe("transcode-source", () => {
  it("decodes UTF-16 (BOM dropped) and Windows-1252 (euro sign) to UTF-8, across chunk splits", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id,name\n1,Zoë\n", "utf16le")]);
    // Split in the middle of a UTF-16 code unit.
    expect(await run([utf16.subarray(0, 5), utf16.subarray(5)], "utf-16le", false)).toBe("id,name\n1,Zoë\n");
    expect(await run([Buffer.from([0x80, 0x20, 0x35, 0xe9])], "windows-1252", false)).toBe("€ 5é");
  });

  it("makes CRLF and lone CR line ends LF, a CRLF split across chunks included", async () => {
    const parts = ["a,b\r", "\n1,2\n3,4\r", "5,6\r\n"].map((s) => Buffer.from(s));
    expect(await run(parts, "utf-8", true)).toBe("a,b\n1,2\n3,4\n5,6\n");
    expect(await run([Buffer.from("a\r\nb")], "utf-8", false)).toBe("a\r\nb");
  });

  it("finds the line and byte that is not UTF-8, and the first over-long line", async () => {
    const latin1 = Buffer.from("id,name\n1,Ann\n2,Jos\xe9\n", "latin1");
    expect(await findInvalidUtf8(Readable.from([latin1]))).toEqual({ line: 3, column: 6, byte: 0xe9 });
    expect(await findInvalidUtf8(Readable.from([Buffer.from("a,é\n€\n")]))).toBeNull();
    const text = Buffer.from(`a\n${"x".repeat(100)}\nb\n`);
    expect(await findLongLine(Readable.from([text.subarray(0, 10), text.subarray(10)]), 50)).toEqual({
      line: 2,
      bytes: 100,
    });
    expect(await findLongLine(Readable.from([text]), 500)).toBeNull();
  });

  it("finds where CRLF line ends give way to LF, across chunks", async () => {
    const parts = ["a\r\nb\r", "\nc\nd\n"].map((x) => Buffer.from(x));
    expect(await findLineEndChange(Readable.from(parts))).toEqual({ line: 3, first: "CRLF", found: "LF" });
    expect(await findLineEndChange(Readable.from([Buffer.from("a\nb\n")]))).toBeNull();
  });
});
