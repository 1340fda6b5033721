import { describe, expect, it } from "vitest";
import { formatOrdinal, formatQueuePlace } from "./format";

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
