import { describe, expect, it } from "vitest";
import { defaultChartSpec, fitChartSpec } from "./chart-spec";

describe("defaultChartSpec", () => {
  it("puts time on x as a line, never an id, and measures a non-id number", () => {
    const spec = defaultChartSpec([
      { name: "order_id", type: "BIGINT" },
      { name: "ordered_at", type: "TIMESTAMP" },
      { name: "region", type: "VARCHAR" },
      { name: "amount", type: "DOUBLE" },
    ]);
    expect(spec).toEqual({ kind: "line", x: "ordered_at", y: ["amount"], series: null });
  });

  it("uses a category for bars when there is no time column", () => {
    expect(
      defaultChartSpec([
        { name: "id", type: "INTEGER" },
        { name: "region", type: "VARCHAR" },
        { name: "n", type: "BIGINT" },
      ]),
    ).toEqual({ kind: "bar", x: "region", y: ["n"], series: null });
  });

  it("falls back to a numeric x and keeps a saved spec that still fits", () => {
    const cols = [
      { name: "a", type: "DOUBLE" },
      { name: "b", type: "DOUBLE" },
    ];
    expect(defaultChartSpec(cols)).toMatchObject({ x: "a", y: ["b"] });
    const saved = { kind: "scatter" as const, x: "b", y: ["a"], series: null };
    expect(fitChartSpec(saved, cols)).toBe(saved);
    expect(fitChartSpec({ ...saved, x: "gone" }, cols)).toMatchObject({ x: "a" });
  });
});
