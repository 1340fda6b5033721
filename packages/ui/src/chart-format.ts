/**
 * Colours, axis labels and tooltip values for charts. Twelve distinct colours
 * (a chart shows at most 12 series); past them (pie slices) hues step by the
 * golden angle, so neighbours never repeat.
 */
export const PALETTE = [
  "#4f46e5",
  "#0891b2",
  "#16a34a",
  "#ea580c",
  "#db2777",
  "#7c3aed",
  "#ca8a04",
  "#475569",
  "#dc2626",
  "#0d9488",
  "#65a30d",
  "#92400e",
] as const;

export function seriesColor(i: number): string {
  return PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 65% 42%)`;
}

const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const PLAIN = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** Axis ticks: 12000000 → "12M", 1500 → "1.5K", 0.25 → "0.25"; short enough never to be clipped. */
export function formatAxisNumber(v: unknown): string {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) return String(v ?? "");
  return Math.abs(n) >= 1000 ? COMPACT.format(n) : PLAIN.format(n);
}

/** Tooltip values: 12000000 → "12,000,000", 24999.999999999996 → "25,000". */
export function formatTooltipNumber(v: unknown): string {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) return String(v ?? "");
  return Math.abs(n) >= 1 || n === 0
    ? n.toLocaleString("en-US", { maximumFractionDigits: 2 })
    : n.toLocaleString("en-US", { maximumSignificantDigits: 4 });
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** True when every value is a date-time at midnight: the axis then shows dates alone. */
export function allMidnight(values: readonly unknown[]): boolean {
  return values.every((v) => {
    const m = typeof v === "string" ? DATE_TIME.exec(v) : null;
    return !m || (m[2] === "00:00" && (!m[3] || /^:00(\.0+)?$/.test(m[3])));
  });
}

/** An x value as a label: dates without "00:00:00", date-times without seconds, numbers grouped. */
export function formatXValue(v: unknown, datesOnly: boolean): string {
  if (typeof v === "number") return formatTooltipNumber(v);
  if (typeof v !== "string") return String(v ?? "");
  const m = DATE_TIME.exec(v);
  if (!m) return v;
  return datesOnly ? m[1]! : `${m[1]} ${m[2]}`;
}
