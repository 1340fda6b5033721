export { formatBytes } from "@scrollintel/core/bytes";

export function formatCount(n: bigint | number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return Number(n).toLocaleString("en-US");
}

export function formatTime(d: Date | string): string {
  return new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}
