// Number and byte formatting is client-safe and shared with packages/ui and core.
export { formatBytes } from "@scrollintel/shared/bytes";
export { formatCompactNumber, formatCount, formatNumber, plural } from "@scrollintel/shared/numbers";

export function formatTime(d: Date | string): string {
  return new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** "42 s", "3 min 10 s", "2 h 5 min": whole seconds, never negative. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ... */
export function formatOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

/** "Queued — 2nd in line": a waiting job's place in its tenant's lane (1 = next). */
export function formatQueuePlace(position: number | null | undefined): string {
  return position ? `Queued — ${position === 1 ? "next" : formatOrdinal(position)} in line` : "Queued";
}
