const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** Human bytes in powers of 1024 with one decimal: 1536 -> "1.5 KB". */
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
