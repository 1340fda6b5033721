import { describe, expect, it } from "vitest";
import { csvTextCell, neutraliseCsvText } from "./csv-safe";

describe("spreadsheet-safe CSV cells", () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
  ])("neutralises %j", (raw, cell) => {
    expect(csvTextCell(raw)).toBe(cell);
  });

  it("leaves ordinary text alone and still quotes separators", () => {
    expect(csvTextCell("alice")).toBe("alice");
    expect(csvTextCell("a,b")).toBe('"a,b"');
    expect(neutraliseCsvText("x=1")).toBe("x=1");
  });
});
