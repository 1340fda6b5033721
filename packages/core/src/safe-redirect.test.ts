import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

describe("safeRedirectPath", () => {
  it.each([
    ["/datasets", "/datasets"],
    ["/datasets/abc?tab=versions#x", "/datasets/abc?tab=versions#x"],
    ["/invite/AbC_123-xyz", "/invite/AbC_123-xyz"],
    ["/query?sql=select%201", "/query?sql=select%201"],
    ["/", "/"],
  ])("keeps the same-origin path %s", (input, out) => {
    expect(safeRedirectPath(input)).toBe(out);
  });

  it.each([
    "/\\evil.example/x",
    "\\\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "///evil.example",
    "http://evil.example",
    "https://evil.example/x",
    "HTTP://evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    "evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "%2F%5Cevil.example",
    "%252F%252Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "/%E0%A4%A",
    "",
    "x".repeat(3000),
  ])("falls back for %j", (input) => {
    expect(safeRedirectPath(input)).toBe("/");
    expect(safeRedirectPath(input, "/datasets")).toBe("/datasets");
  });

  it("falls back for a missing or non-string target", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(["/a"])).toBe("/");
  });
});

it("keeps encoded spaces and newlines in the query string", () => {
  expect(safeRedirectPath("/query?sql=select%0A1")).toBe("/query?sql=select%0A1");
});
