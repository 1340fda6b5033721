/** Counts with thousands separators; null and undefined show as a dash. */
export function formatCount(n: bigint | number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return Number(n).toLocaleString("en-US");
}

/**
 * A measured number in plain digits, never scientific notation:
 * 1500000.5 → "1,500,000.5", 4998.41105773 → "4,998.4111", 0.000123456789 → "0.000123457".
 * Integer strings (BIGINT and HUGEINT arrive as strings) keep every digit.
 */
export function formatNumber(v: number | string): string {
  if (typeof v === "string") {
    if (/^-?\d+$/.test(v)) return BigInt(v).toLocaleString("en-US");
    // DuckDB and JSON may hand a DOUBLE over as text in exponent form ("4.99841e+03").
    return /^-?\d+(\.\d+)?e[+-]?\d+$/i.test(v) ? formatNumber(Number(v)) : v;
  }
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || Math.abs(v) >= 1) return v.toLocaleString("en-US", { maximumFractionDigits: 4 });
  return v.toLocaleString("en-US", { maximumSignificantDigits: 6 });
}

/** Axis labels that fit a narrow axis: 12000000 → "12M", 1500 → "1.5K", 0.25 → "0.25". */
export function formatCompactNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 1000) return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return v.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 });
}

/** "1 row", "2 rows", "1,204 rows": the count with the noun agreeing with it. */
export function plural(n: bigint | number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${Number(n) === 1 ? one : many}`;
}
