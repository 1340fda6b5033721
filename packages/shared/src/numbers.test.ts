import { describe, expect, it } from "vitest";
import { formatBytes } from "./bytes";
import { formatCompactNumber, formatNumber, plural } from "./numbers";

describe("shared number formats", () => {
  it("writes exponent-form text in plain digits", () => {
    expect(formatNumber("4.99841105773e3")).toBe("4,998.4111");
    expect(formatNumber("1.5E+06")).toBe("1,500,000");
    expect(formatNumber("5.571")).toBe("5.571");
  });

  it("shortens axis labels so they fit: 12000000 is 12M, not a clipped 2000000", () => {
    expect(formatCompactNumber(12_000_000)).toBe("12M");
    expect(formatCompactNumber(1500)).toBe("1.5K");
    expect(formatCompactNumber(0)).toBe("0");
    expect(formatCompactNumber(0.25)).toBe("0.25");
  });

  it("agrees the noun with the count", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(0, "row")).toBe("0 rows");
    expect(plural(1204n, "row")).toBe("1,204 rows");
    expect(plural(2, "query", "queries")).toBe("2 queries");
  });

  it("writes bytes in binary units with their IEC names", () => {
    expect(formatBytes(352_800_000)).toBe("336.5 MiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(5n * 1024n ** 4n)).toBe("5.0 TiB");
  });
});
