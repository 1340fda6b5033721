import { describe, expect, it } from "vitest";
import { formatCell, formatDouble } from "./cell-format";

describe("formatCell", () => {
  it("groups integers, keeping every digit of a BIGINT string", () => {
    expect(formatCell(1234567, "INTEGER").text).toBe("1,234,567");
    expect(formatCell("12345678901234567890", "HUGEINT").text).toBe("12,345,678,901,234,567,890");
    expect(formatCell(-1234, "BIGINT")).toEqual({ text: "-1,234", full: "-1234", numeric: true });
  });

  it("rounds away DOUBLE noise but keeps the exact value as full", () => {
    expect(formatCell(24999.999999999996, "DOUBLE")).toEqual({
      text: "25,000",
      full: "24999.999999999996",
      numeric: true,
    });
    expect(formatDouble(3.14159265)).toBe("3.1416");
    expect(formatDouble(0.000123456789)).toBe("0.000123457");
    expect(formatDouble(0.1 + 0.2)).toBe("0.3");
  });

  it("groups DECIMAL strings without touching the fraction; text stays text", () => {
    expect(formatCell("-1234567.50", "DECIMAL(10,2)").text).toBe("-1,234,567.50");
    expect(formatCell("2024-01-01 00:00:00", "TIMESTAMP")).toEqual({
      text: "2024-01-01 00:00:00",
      full: "2024-01-01 00:00:00",
      numeric: false,
    });
    expect(formatCell(null, "DOUBLE").text).toBe("");
  });
});
