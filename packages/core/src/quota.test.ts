import { describe, expect, it } from "vitest";
import { formatBytes } from "./bytes";
import {
  checkMonthly,
  checkUpload,
  monthKey,
  percentUsed,
  storageHeadroom,
  type StorageQuota,
  storageRefusal,
} from "./quota";

const GB = 1024n ** 3n;
const q = (p: Partial<StorageQuota> = {}): StorageQuota => ({
  storageBytesLimit: 10n * GB,
  storageBytesUsed: 4n * GB,
  storageBytesReserved: 1n * GB,
  maxFileBytes: 8n * GB,
  ...p,
});

describe("storage quota", () => {
  it("counts reserved bytes as taken", () => {
    expect(storageHeadroom(q())).toBe(5n * GB);
  });

  it("never reports negative headroom after a limit was lowered", () => {
    expect(storageHeadroom(q({ storageBytesLimit: 2n * GB }))).toBe(0n);
  });

  it("accepts an upload that fits exactly", () => {
    expect(checkUpload(q(), 5n * GB)).toEqual({ ok: true });
  });

  it("refuses one byte more", () => {
    expect(checkUpload(q(), 5n * GB + 1n)).toMatchObject({ ok: false, reason: "STORAGE", left: 5n * GB });
  });

  it("says how much is left when it refuses", () => {
    const d = checkUpload(q(), 6n * GB);
    if (d.ok) throw new Error("expected a refusal");
    expect(d.message).toBe("Upload needs 6.0 GiB but only 5.0 GiB of storage is left in this workspace.");
  });

  it("applies the per-file limit before the storage limit", () => {
    const d = checkUpload(q({ storageBytesLimit: 100n * GB }), 9n * GB);
    expect(d).toMatchObject({ ok: false, reason: "MAX_FILE" });
    if (!d.ok) expect(d.message).toMatch(/largest file this workspace accepts is 8.0 GiB/);
  });

  it("rejects negative sizes as a programming error", () => {
    expect(() => checkUpload(q(), -1n)).toThrow(RangeError);
  });

  it("computes meter percentages with clamping", () => {
    expect(percentUsed(5n * GB, 10n * GB)).toBe(50);
    expect(percentUsed(11n * GB, 10n * GB)).toBe(100);
    expect(percentUsed(1n, 0n)).toBe(100);
  });

  it("formats bytes for people", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(1024n ** 4n)).toBe("1.0 TiB");
  });
});

describe("monthly quotas", () => {
  it("keys months in UTC", () => {
    expect(monthKey(new Date("2026-11-30T23:59:59Z"))).toBe("2026-11");
  });

  it("accepts work that fits and refuses what does not, saying what is left", () => {
    expect(checkMonthly("ingest", 10n * GB, 4n * GB, 6n * GB)).toEqual({ ok: true });
    const d = checkMonthly("ingest", 10n * GB, 4n * GB, 7n * GB);
    expect(d).toMatchObject({ ok: false, reason: "MONTHLY", left: 6n * GB });
    if (!d.ok)
      expect(d.message).toBe("This needs 7.0 GiB of ingest but only 6.0 GiB is left this month (limit 10.0 GiB).");
  });
});

describe("storage refusal for stored work", () => {
  it("names what needs room, what is left and the limit", () => {
    expect(storageRefusal(q(), "this query's result", 6n * GB)).toBe(
      "Storing this query's result needs about 6.0 GiB, but only 5.0 GiB is left of this workspace's 10.0 GiB storage limit.",
    );
  });
});
