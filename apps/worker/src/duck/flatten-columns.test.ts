import { describe, expect, it } from "vitest";
import { flattenColumns, structFields } from "./flatten-columns";

describe("flatten-columns", () => {
  it("reads DESCRIBE's struct types, quoted names and nested types included", () => {
    expect(structFields('STRUCT(c BIGINT, "my, field" DECIMAL(18,3), d STRUCT(e VARCHAR[]))')).toEqual([
      { name: "c", type: "BIGINT" },
      { name: "my, field", type: "DECIMAL(18,3)" },
      { name: "d", type: "STRUCT(e VARCHAR[])" },
    ]);
    expect(structFields("STRUCT(a BIGINT)[]")).toBeNull();
  });

  it("turns struct fields into top-level columns a_b, recursively, keeping lists and names unique", () => {
    expect(
      flattenColumns([
        { name: "id", type: "BIGINT" },
        { name: "a", type: "STRUCT(b BIGINT, c STRUCT(d VARCHAR), e DOUBLE[])" },
        { name: "a_b", type: "VARCHAR" },
      ]),
    ).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "a_b", type: "BIGINT", path: ["a", "b"] },
      { name: "a_c_d", type: "VARCHAR", path: ["a", "c", "d"] },
      { name: "a_e", type: "DOUBLE[]", path: ["a", "e"] },
      { name: "a_b_2", type: "VARCHAR" },
    ]);
  });
});
