import { formatBytes } from "./bytes";

export interface StorageQuota {
  storageBytesLimit: bigint;
  storageBytesUsed: bigint;
  storageBytesReserved: bigint;
  maxFileBytes: bigint;
}

export type QuotaDecision =
  { ok: true } | { ok: false; reason: "MAX_FILE" | "STORAGE" | "MONTHLY"; message: string; left: bigint };

/** Bytes a new reservation may still take; never negative. */
export function storageHeadroom(q: StorageQuota): bigint {
  const left = q.storageBytesLimit - q.storageBytesUsed - q.storageBytesReserved;
  return left > 0n ? left : 0n;
}

/**
 * The rule an upload of `size` bytes must pass. The database enforces the same
 * rule atomically (quota-store); this one words the refusal for people.
 */
export function checkUpload(q: StorageQuota, size: bigint): QuotaDecision {
  if (size < 0n) throw new RangeError("size must not be negative");
  if (size > q.maxFileBytes) {
    return {
      ok: false,
      reason: "MAX_FILE",
      left: q.maxFileBytes,
      message: `File is ${formatBytes(size)}; the largest file this workspace accepts is ${formatBytes(q.maxFileBytes)}.`,
    };
  }
  const left = storageHeadroom(q);
  if (size > left) {
    return {
      ok: false,
      reason: "STORAGE",
      left,
      message: `Upload needs ${formatBytes(size)} but only ${formatBytes(left)} of storage is left in this workspace.`,
    };
  }
  return { ok: true };
}

/**
 * The refusal for storing `size` more bytes of `what` (a dataset's Parquet, a
 * query result, an export) past the storage limit: names the limit and the numbers.
 */
export function storageRefusal(q: StorageQuota, what: string, size: bigint): string {
  const left = storageHeadroom(q);
  return (
    `Storing ${what} needs about ${formatBytes(size)}, but only ${formatBytes(left)} is left ` +
    `of this workspace's ${formatBytes(q.storageBytesLimit)} storage limit.`
  );
}

/** Percent of the limit in use (used + reserved), 0..100, for meters. */
export function percentUsed(used: bigint, limit: bigint): number {
  if (limit <= 0n) return 100;
  const pct = Number((used * 10000n) / limit) / 100;
  return Math.min(100, Math.max(0, pct));
}

/** Calendar month key used by monthly quotas and usage rows: "2026-11" (UTC). */
export function monthKey(d: Date = new Date()): string {
  return d.toISOString().slice(0, 7);
}

/** The rule for a monthly quota (ingest or scan bytes): may `add` more fit under `limit`? */
export function checkMonthly(what: string, limit: bigint, used: bigint, add: bigint): QuotaDecision {
  const left = limit > used ? limit - used : 0n;
  if (add <= left) return { ok: true };
  return {
    ok: false,
    reason: "MONTHLY",
    left,
    message: `This needs ${formatBytes(add)} of ${what} but only ${formatBytes(left)} is left this month (limit ${formatBytes(limit)}).`,
  };
}
