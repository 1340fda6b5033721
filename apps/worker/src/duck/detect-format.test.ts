import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressionOf, decodePrefix, formatOf } from "./detect-format";

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
    expect(() => formatOf(Buffer.from([0x61, 0x00, 0x62, 0x00]))).toThrow(/NUL bytes/);
  });
});
