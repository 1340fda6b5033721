import { describe, expect, it } from "vitest";
import { describeBadText, findBadText } from "./text-input";

describe("findBadText", () => {
  it("accepts ordinary text, emoji (surrogate pairs) included", () => {
    expect(findBadText({ name: "Umsätze 📈", tags: ["a", "b"], n: 3, at: new Date() })).toBeNull();
  });

  it("names the field holding a NUL byte, however deep", () => {
    expect(findBadText({ name: "a\0b" })).toBe("name: contains a NUL byte");
    expect(findBadText({ patch: { sql: "SELECT 1\0" } })).toBe("patch.sql: contains a NUL byte");
    expect(findBadText({ options: { columns: [{ name: "ok" }, { name: "x\0" }] } })).toBe(
      "options.columns[1].name: contains a NUL byte",
    );
  });

  it("refuses a lone high or low surrogate but not a pair", () => {
    expect(describeBadText("\uD83D")).toMatch(/lone UTF-16 surrogate/);
    expect(describeBadText("x\uDE00y")).toMatch(/lone UTF-16 surrogate/);
    expect(describeBadText("\uDE00\uD83D")).toMatch(/lone UTF-16 surrogate/);
    expect(describeBadText("\uD83D\uDE00")).toBeNull();
    expect(findBadText({ sql: "SELECT '\uD800'" })).toBe("sql: contains a lone UTF-16 surrogate (not valid Unicode)");
  });

  it("checks object keys, bare strings and cyclic values", () => {
    expect(findBadText({ "a\0": 1 })).toBe("a\0: the field name contains a NUL byte");
    expect(findBadText("\0", "filename")).toBe("filename: contains a NUL byte");
    const cyclic: Record<string, unknown> = { name: "ok" };
    cyclic.self = cyclic;
    expect(findBadText(cyclic)).toBeNull();
  });
});
