import { describe, expect, it } from "vitest";
import { CELL_CHARS, CELL_ITEMS, CUT_MARK, cutRows, cutValue } from "./cut-cells";

describe("cutting cells for previews and pages", () => {
  it("cuts long strings and lists, at any depth, and marks the cut", () => {
    const long = "x".repeat(CELL_CHARS + 10);
    const v = cutValue({ s: long, l: Array.from({ length: CELL_ITEMS + 5 }, (_, i) => i), n: { deep: [long] } }) as {
      s: string;
      l: unknown[];
      n: { deep: string[] };
    };
    expect(v.s).toBe("x".repeat(CELL_CHARS) + CUT_MARK);
    expect(v.l).toHaveLength(CELL_ITEMS + 1);
    expect(v.l.at(-1)).toBe(CUT_MARK);
    expect(v.n.deep[0]).toBe("x".repeat(CELL_CHARS) + CUT_MARK);
  });

  it("leaves short values and other types as they are", () => {
    const row = { a: "short", b: 1, c: null, d: true, e: [1, 2] };
    expect(cutValue(row)).toEqual(row);
  });

  it("replaces NUL, which PostgreSQL's jsonb refuses, in values and keys", () => {
    expect(cutValue({ "k\u0000": "a\u0000b" })).toEqual({ "k\uFFFD": "a\uFFFDb" });
  });

  it("keeps rows within a byte bound, but always the first", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i, s: "y".repeat(1000) }));
    expect(cutRows(rows, 3500)).toHaveLength(3);
    expect(cutRows(rows, 10)).toHaveLength(1);
    expect(cutRows(rows)).toHaveLength(10);
  });
});
