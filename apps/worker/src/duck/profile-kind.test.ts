import { describe, expect, it } from "vitest";
import { elementTypeOf, kindOf, mapTypesOf, structFieldsOf } from "./profile-kind";

describe("profile kinds", () => {
  it("takes nested types for what they are before their element type", () => {
    expect(
      [
        "INTEGER[]",
        "DOUBLE[2]",
        "STRUCT(a INTEGER)",
        "MAP(VARCHAR, INTEGER[])",
        "DECIMAL(18,3)",
        "TIMESTAMP WITH TIME ZONE",
      ].map(kindOf),
    ).toEqual(["list", "list", "struct", "map", "number", "time"]);
    expect(["UUID", "BLOB", "INTERVAL", "TIME", "UNION(a INTEGER, b VARCHAR)"].map(kindOf)).toEqual(
      Array(5).fill("other"),
    );
  });

  it("reads element, key/value and field types, quoted names with commas and parentheses included", () => {
    expect(elementTypeOf("STRUCT(a INTEGER[])[]")).toBe("STRUCT(a INTEGER[])");
    expect(mapTypesOf("MAP(VARCHAR, STRUCT(x INTEGER, y DOUBLE))")).toEqual({
      key: "VARCHAR",
      value: "STRUCT(x INTEGER, y DOUBLE)",
    });
    expect(structFieldsOf('STRUCT("a, (b)" DECIMAL(18, 3), "say ""hi""" VARCHAR[], c MAP(VARCHAR, INTEGER))')).toEqual([
      { name: "a, (b)", type: "DECIMAL(18, 3)" },
      { name: 'say "hi"', type: "VARCHAR[]" },
      { name: "c", type: "MAP(VARCHAR, INTEGER)" },
    ]);
  });
});
