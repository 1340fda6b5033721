import { describe, expect, it } from "vitest";
import { evolveColumns, inferColumnType, pendingRowsSql, segmentRecordsSql, structureOfKinds } from "./stream-sql";

describe("stream columns", () => {
  it("maps JSON structures to strict column types, keeping objects, arrays, mixes and nulls as JSON", () => {
    expect(inferColumnType("UBIGINT")).toBe("BIGINT");
    expect(inferColumnType("BIGINT")).toBe("BIGINT");
    expect(inferColumnType("DOUBLE")).toBe("DOUBLE");
    expect(inferColumnType("BOOLEAN")).toBe("BOOLEAN");
    expect(inferColumnType("VARCHAR")).toBe("VARCHAR");
    expect(inferColumnType({ x: "UBIGINT" })).toBe("JSON");
    expect(inferColumnType(["UBIGINT"])).toBe("JSON");
    expect(inferColumnType("NULL")).toBe("JSON");
    expect(inferColumnType("JSON")).toBe("JSON");
  });

  it("names the structure of a key's kinds of values: integers, numbers, one scalar kind, else JSON", () => {
    expect(structureOfKinds(["UBIGINT", "BIGINT"])).toBe("BIGINT");
    expect(structureOfKinds(["BIGINT", "DOUBLE"])).toBe("DOUBLE");
    expect(structureOfKinds(["VARCHAR"])).toBe("VARCHAR");
    expect(structureOfKinds(["BOOLEAN"])).toBe("BOOLEAN");
    expect(structureOfKinds(["VARCHAR", "BIGINT"])).toBe("JSON");
    expect(structureOfKinds(["OBJECT"])).toBe("JSON");
    expect(structureOfKinds([])).toBe("NULL");
  });

  it("keeps known columns and their types, adding new keys after them", () => {
    const known = [{ name: "id", type: "BIGINT" as const }];
    expect(evolveColumns(known, { id: "VARCHAR", late: "DOUBLE" })).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "late", type: "DOUBLE" },
    ]);
  });

  it("quotes names and paths it puts in SQL", () => {
    const sql = pendingRowsSql(
      [{ id: "s1", path: "/d/it's.ndjson", format: "array" }],
      [{ name: 'we"ird/~key', type: "VARCHAR" }],
    );
    expect(sql).toContain("'/d/it''s.ndjson'");
    expect(sql).toContain("format = 'array'");
    expect(sql).toContain('"we""ird/~key"');
    expect(sql).toContain("'/we\"ird~1~0key'");
    expect(segmentRecordsSql([])).toMatch(/WHERE false/);
  });
});
