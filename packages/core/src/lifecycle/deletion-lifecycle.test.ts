import { describe, expect, it } from "vitest";
import { bytesOf, isRestorable, parseTrashObjects, purgeDate, TRASH_STATUS } from "./deletion-lifecycle";

describe("deletion life cycle", () => {
  it("keeps restorable, sweeping and settled apart, and counts only unsettled items as held", () => {
    expect(TRASH_STATUS.holdingObjects).toEqual([...TRASH_STATUS.restorable, ...TRASH_STATUS.sweeping]);
    for (const s of TRASH_STATUS.settled) expect(TRASH_STATUS.holdingObjects).not.toContain(s);
    expect(isRestorable("TRASHED")).toBe(true);
    expect(isRestorable("PURGING")).toBe(false);
    expect(isRestorable("PURGED")).toBe(false);
  });

  it("parses a tombstone and sums its bytes", () => {
    const objects = parseTrashObjects([
      { key: "tenants/a/datasets/b/v1/part-00000.parquet", size: 2 ** 40, kind: "part" },
      { key: "tenants/a/uploads/c", size: 5, kind: "upload" },
    ]);
    expect(bytesOf(objects)).toBe(2n ** 40n + 5n);
    expect(() => parseTrashObjects([{ key: "k", size: -1, kind: "part" }])).toThrow();
    expect(() => parseTrashObjects([{ key: "k", size: 1, kind: "result" }])).toThrow();
  });

  it("dates the purge trashDays after the deletion", () => {
    expect(purgeDate(new Date("2026-01-30T10:00:00Z"), 7).toISOString()).toBe("2026-02-06T10:00:00.000Z");
  });
});
