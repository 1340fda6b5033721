import { describe, expect, it } from "vitest";
import { namesInSql, sqlIdentifiers } from "./sql-names";

describe("namesInSql", () => {
  it("finds bare and quoted dataset names, case-insensitively", () => {
    expect(namesInSql('SELECT * FROM Orders JOIN "Big Cities" USING (id)', ["orders", "Big Cities", "other"])).toEqual([
      "orders",
      "Big Cities",
    ]);
  });

  it("ignores names inside string literals and comments", () => {
    const sql = "SELECT 'orders' AS x -- orders\n/* orders */ FROM cities";
    expect(namesInSql(sql, ["orders", "cities"])).toEqual(["cities"]);
  });

  it("reads doubled quotes inside quoted names", () => {
    expect([...sqlIdentifiers('SELECT 1 FROM "a""b"')]).toContain('a"b');
  });
});
