import { describe, expect, it } from "vitest";
import { shapeChartData, MAX_SERIES } from "./result-chart";

const rows = [
  { day: "2024-01-01", region: "north", revenue: "10", units: 1 },
  { day: "2024-01-01", region: "south", revenue: "7.5", units: 2 },
  { day: "2024-01-02", region: "north", revenue: "12", units: null },
];

describe("shapeChartData", () => {
  it("keeps one point per row with numbers for each y column", () => {
    const { data, keys } = shapeChartData(rows, { x: "day", y: ["revenue", "units"], series: null });
    expect(keys).toEqual(["revenue", "units"]);
    expect(data).toEqual([
      { day: "2024-01-01", revenue: 10, units: 1 },
      { day: "2024-01-01", revenue: 7.5, units: 2 },
      { day: "2024-01-02", revenue: 12, units: null },
    ]);
  });

  it("pivots a series column into one key per value, one point per x", () => {
    const { data, keys } = shapeChartData(rows, { x: "day", y: ["revenue"], series: "region" });
    expect(keys).toEqual(["north", "south"]);
    expect(data).toEqual([
      { day: "2024-01-01", north: 10, south: 7.5 },
      { day: "2024-01-02", north: 12 },
    ]);
  });

  it("caps the number of series and says how many were left out", () => {
    const many = Array.from({ length: MAX_SERIES + 3 }, (_, i) => ({ x: 1, s: `s${i}`, y: i }));
    const { keys, droppedSeries } = shapeChartData(many, { x: "x", y: ["y"], series: "s" });
    expect(keys).toHaveLength(MAX_SERIES);
    expect(droppedSeries).toBe(3);
  });
});
