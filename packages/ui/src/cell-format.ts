/**
 * How the result grid shows one cell. Numbers are right-aligned with thousands
 * separators. DOUBLE/FLOAT lose their binary noise: the value is rounded to 12
 * significant digits, then shown with at most 4 decimals (6 significant digits
 * below 1), so 24999.999999999996 reads "25,000" and 3.14159265 "3.1416".
 * `full` keeps the exact value for the tooltip and for copying.
 */
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;
const FLOAT = /^(FLOAT|DOUBLE|REAL)$/i;
const DECIMAL = /^DECIMAL/i;

export function isNumericType(type: string | undefined): boolean {
  return !!type && (INTEGER.test(type) || FLOAT.test(type) || DECIMAL.test(type));
}

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A decimal string with its integer part grouped: "-1234567.50" → "-1,234,567.50". */
function groupDecimalString(s: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(s);
  return m ? `${m[1]}${groupDigits(m[2]!)}${m[3] ?? ""}` : s;
}

export function formatDouble(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const clean = Number(n.toPrecision(12));
  if (clean === 0 || Math.abs(clean) >= 1) return clean.toLocaleString("en-US", { maximumFractionDigits: 4 });
  return clean.toLocaleString("en-US", { maximumSignificantDigits: 6 });
}

export function rawCellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function formatCell(v: unknown, type?: string): { text: string; full: string; numeric: boolean } {
  const full = rawCellText(v);
  const numeric = isNumericType(type);
  if (v === null || v === undefined || !numeric) return { text: full, full, numeric };
  if (typeof v === "number") {
    const text = FLOAT.test(type!) ? formatDouble(v) : Number.isInteger(v) ? v.toLocaleString("en-US") : String(v);
    return { text: FLOAT.test(type!) || Number.isInteger(v) ? text : groupDecimalString(full), full, numeric };
  }
  if (typeof v === "string" && FLOAT.test(type!) && Number.isFinite(Number(v))) {
    return { text: formatDouble(Number(v)), full, numeric };
  }
  return { text: typeof v === "string" ? groupDecimalString(v) : full, full, numeric };
}
