const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/**
 * Human bytes in powers of 1024 with one decimal, labelled as such (IEC):
 * 1536 -> "1.5 KiB". Every byte figure the product shows goes through here,
 * so the UI never mixes MB and MiB.
 */
export function formatBytes(n: bigint | number): string {
  let v = Number(n);
  if (!Number.isFinite(v) || v < 0) return String(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** Bytes per MiB, for charts that plot byte series on one scale. */
export const MIB = 1024 * 1024;
