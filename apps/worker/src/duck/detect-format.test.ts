import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressionOf, decodePrefix, encodingOf, formatOf, hasMixedLineEnds } from "./detect-format";

describe("detect-format", () => {
  it("knows compression by its magic bytes, not the name", () => {
    expect(compressionOf(zlib.gzipSync("a,b\n"))).toBe("gzip");
    expect(compressionOf(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe("zstd");
    expect(compressionOf(Buffer.from("a,b\n"))).toBe("none");
  });

  it("decodes the part of a gzip stream it was given", () => {
    const whole = zlib.gzipSync("x,y\n".repeat(100_000));
    const head = decodePrefix(whole.subarray(0, 200), "gzip").toString();
    expect(head.startsWith("x,y\nx,y\n")).toBe(true);
  });

  it("tells Parquet, JSON arrays, NDJSON and text apart", () => {
    expect(formatOf(Buffer.from("PAR1...."))).toBe("parquet");
    expect(formatOf(Buffer.from('\uFEFF  [{"a":1}]'))).toBe("json");
    expect(formatOf(Buffer.from('{"a":1}\n{"a":2}\n'))).toBe("ndjson");
    expect(formatOf(Buffer.from("a;b\r\n1;2\r\n"))).toBe("csv");
  });

  it("refuses spreadsheets and binary with a reason", () => {
    expect(() => formatOf(Buffer.from("PK\x03\x04xl/", "latin1"))).toThrow(/Excel/);
    expect(() => formatOf(Buffer.from([0x01, 0x00, 0x00, 0x00, 0x05, 0x07, 0x08, 0x09, 0x0a]))).toThrow(/binary/);
    expect(() => formatOf(Buffer.from("id,name\n1,x\n", "utf16le"))).toThrow(
      /UTF-16 LE text without a byte order mark/,
    );
  });

  it("reads a pretty-printed object as a document, one-line objects as NDJSON, or the chosen layout", () => {
    expect(formatOf(Buffer.from('{\n  "a": 1,\n  "b": {"c": 2}\n}\n'))).toBe("json-document");
    expect(formatOf(Buffer.from('{"a": 1}'))).toBe("ndjson");
    expect(formatOf(Buffer.from('{"a":1}\n{"a":2}\n'), "document")).toBe("json-document");
    expect(formatOf(Buffer.from('[{"a":1}]'), "ndjson")).toBe("ndjson");
  });

  it("detects UTF-16 by its BOM unless an encoding is chosen, and mixed line ends", () => {
    expect(encodingOf(Uint8Array.from([0xff, 0xfe, 0x61, 0]), "auto")).toBe("utf-16le");
    expect(encodingOf(Uint8Array.from([0xfe, 0xff, 0, 0x61]), "auto")).toBe("utf-16be");
    expect(encodingOf(Buffer.from("abc"), "auto")).toBe("utf-8");
    expect(encodingOf(Buffer.from("abc"), "latin1")).toBe("windows-1252");
    expect(hasMixedLineEnds("a\r\nb\nc\r\n")).toBe(true);
    expect(hasMixedLineEnds("a\r\nb\r\n")).toBe(false);
    expect(hasMixedLineEnds("a\nb\n")).toBe(false);
  });
});
