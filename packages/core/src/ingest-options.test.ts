import { describe, expect, it } from "vitest";
import { canonicalEncoding, parseIngestOptions, ZIngestOptions } from "./ingest-options";

describe("ingest options", () => {
  it("defaults to detecting everything, so a stored {} reads as before", () => {
    expect(ZIngestOptions.parse({})).toEqual({
      badRows: "fail",
      columns: [],
      encoding: "auto",
      jsonLayout: "auto",
      nullStrings: [],
      lineEnds: "auto",
      flatten: false,
      maxRejectPercent: 1,
    });
  });

  it("accepts the encodings TextDecoder knows, by any of their labels", () => {
    expect(canonicalEncoding("latin1")).toBe("windows-1252");
    expect(canonicalEncoding("UTF-16LE")).toBe("utf-16le");
    expect(canonicalEncoding("klingon")).toBeNull();
    expect(ZIngestOptions.safeParse({ encoding: "shift_jis" }).success).toBe(true);
    expect(ZIngestOptions.safeParse({ encoding: "klingon" }).success).toBe(false);
  });

  it("refuses dialect and format values that could not work", () => {
    expect(ZIngestOptions.safeParse({ quote: "''" }).success).toBe(false);
    expect(ZIngestOptions.safeParse({ escape: "\\t" }).success).toBe(true);
    expect(ZIngestOptions.safeParse({ dateFormat: "dd/mm/yyyy" }).success).toBe(false);
    expect(ZIngestOptions.safeParse({ dateFormat: "%d/%m/%Y\n" }).success).toBe(false);
    expect(ZIngestOptions.safeParse({ maxLineBytes: 100 }).success).toBe(false);
    expect(ZIngestOptions.safeParse({ jsonLayout: "xml" }).success).toBe(false);
  });

  it("falls back to the defaults for stored options it cannot read", () => {
    expect(parseIngestOptions({ encoding: 42 }).encoding).toBe("auto");
  });
});
