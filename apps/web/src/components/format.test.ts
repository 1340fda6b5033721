import { describe, expect, it } from "vitest";
import { formatNumber, formatOrdinal, formatQueuePlace } from "./format";

describe("formatNumber", () => {
  it("writes measured numbers in plain digits, never scientific notation", () => {
    expect(formatNumber(1_500_000.5)).toBe("1,500,000.5");
    expect(formatNumber(1.17e6)).toBe("1,170,000");
    expect(formatNumber(4998.41105773)).toBe("4,998.4111");
    expect(formatNumber(0.000123456789)).toBe("0.000123457");
    expect(formatNumber(-2.5e21)).toBe("-2,500,000,000,000,000,000,000");
    expect(formatNumber("16019999")).toBe("16,019,999");
    expect(formatNumber("170141183460469231731687303715884105727")).toBe(
      "170,141,183,460,469,231,731,687,303,715,884,105,727",
    );
    expect(formatNumber("5.571")).toBe("5.571");
  });
});

describe("queue place labels", () => {
  it("spells ordinals, teens included", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 112].map(formatOrdinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "101st",
      "111th",
      "112th",
    ]);
  });

  it("says next for the first in line and plain Queued without a place", () => {
    expect(formatQueuePlace(1)).toBe("Queued — next in line");
    expect(formatQueuePlace(2)).toBe("Queued — 2nd in line");
    expect(formatQueuePlace(null)).toBe("Queued");
  });
});
