import { describe, expect, it } from "vitest";
import { allMidnight, formatAxisNumber, formatTooltipNumber, formatXValue, PALETTE, seriesColor } from "./chart-format";

describe("chart formatting", () => {
  it("keeps Y labels short: 12000000 is 12M, never a clipped 2000000", () => {
    expect(formatAxisNumber(12_000_000)).toBe("12M");
    expect(formatAxisNumber(1500)).toBe("1.5K");
    expect(formatAxisNumber(0.25)).toBe("0.25");
    expect(formatTooltipNumber(24999.999999999996)).toBe("25,000");
  });

  it("shows dates without 00:00:00 when every x is at midnight", () => {
    const xs = ["2024-01-01 00:00:00", "2024-01-02T00:00:00.000Z"];
    expect(allMidnight(xs)).toBe(true);
    expect(xs.map((x) => formatXValue(x, true))).toEqual(["2024-01-01", "2024-01-02"]);
    expect(allMidnight(["2024-01-01 00:00:00", "2024-01-01 13:30:00"])).toBe(false);
    expect(formatXValue("2024-01-01 13:30:05", false)).toBe("2024-01-01 13:30");
    expect(formatXValue("north", true)).toBe("north");
  });

  it("never repeats a colour among 12 series, nor among 40 pie slices", () => {
    expect(new Set(Array.from({ length: 12 }, (_, i) => seriesColor(i))).size).toBe(PALETTE.length);
    expect(new Set(Array.from({ length: 40 }, (_, i) => seriesColor(i))).size).toBe(40);
  });
});
