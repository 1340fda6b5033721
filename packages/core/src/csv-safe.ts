/**
 * Spreadsheet-safe CSV (CSV/formula injection): a text cell that starts with
 * = + - @, a tab or a carriage return would be read as a formula by Excel,
 * LibreOffice or Google Sheets. Such cells get a leading apostrophe, which
 * spreadsheets show as text and which makes the cell inert. Numbers are
 * written as numbers and are never changed (a negative number is not text).
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** The SQL regular expression DuckDB uses for the same rule (query result exports). */
export const FORMULA_START_SQL = "^[=+\\-@\\t\\r]";

export function neutraliseCsvText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** One CSV cell of text: neutralised, then quoted when it holds a quote, comma or line break. */
export function csvTextCell(s: string): string {
  const safe = neutraliseCsvText(s);
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
