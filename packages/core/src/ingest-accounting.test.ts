import { describe, expect, it } from "vitest";
import {
  AccountingMismatchError,
  assertAccounting,
  describeAccounting,
  exceedsRejectThreshold,
  rejectPercent,
} from "./ingest-accounting";

describe("ingest accounting", () => {
  it("passes when every record read is stored or rejected", () => {
    expect(() => assertAccounting({ read: 200_000n, stored: 199_999n, rejected: 1n })).not.toThrow();
    expect(() => assertAccounting({ read: 0n, stored: 0n, rejected: 0n })).not.toThrow();
  });

  it("fails a version that lost records, naming the figures", () => {
    const lost = { read: 3_000_000n, stored: 2_100_047n, rejected: 100_000n };
    expect(() => assertAccounting(lost)).toThrow(AccountingMismatchError);
    expect(() => assertAccounting(lost)).toThrow(
      "3,000,000 read · 2,100,047 stored · 100,000 rejected does not add up (799,953 records unaccounted for)",
    );
  });

  it("fails a version that stored more rows than it read", () => {
    expect(() => assertAccounting({ read: 10n, stored: 10n, rejected: 1n })).toThrow("1 more rows than records read");
  });

  it("formats the figures for the dataset page", () => {
    expect(describeAccounting({ read: 200_000n, stored: 199_999n, rejected: 1n })).toBe(
      "200,000 read · 199,999 stored · 1 rejected",
    );
  });

  it("holds a version over its skip threshold, exactly at the boundary", () => {
    expect(exceedsRejectThreshold({ read: 1000n, stored: 990n, rejected: 10n }, 1)).toBe(false);
    expect(exceedsRejectThreshold({ read: 1000n, stored: 989n, rejected: 11n }, 1)).toBe(true);
    expect(exceedsRejectThreshold({ read: 1000n, stored: 999n, rejected: 1n }, 0)).toBe(true);
    expect(exceedsRejectThreshold({ read: 1000n, stored: 0n, rejected: 1000n }, 100)).toBe(false);
    expect(exceedsRejectThreshold({ read: 3_000_000n, stored: 2_900_000n, rejected: 100_000n }, 1)).toBe(true);
    expect(rejectPercent({ read: 3_000_000n, stored: 2_900_000n, rejected: 100_000n })).toBeCloseTo(3.3333, 3);
  });
});
