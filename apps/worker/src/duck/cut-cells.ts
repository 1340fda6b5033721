import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "@scrollintel/core/sql-check";

/** Characters of one text cell that previews and grid pages show; the rest is cut. */
export const CELL_CHARS = 4096;
/** Items of one list or map cell that previews and grid pages show. */
export const CELL_ITEMS = 100;
/** What a cut cell ends with. */
export const CUT_MARK = "…";

/**
 * A projection over `from` that cuts long text cells in DuckDB, before they
 * are materialized: a 1 GB string must not reach JavaScript (V8 strings stop
 * at 512 MB, and JSON escaping multiplies control characters by six). Other
 * types are cut after reading by cutValue. Returns the select list and the
 * result's column names and types.
 */
export async function cutProjection(conn: DuckDBConnection, from: string) {
  const head = await conn.runAndReadAll(`SELECT * FROM ${from} LIMIT 0`);
  const read = head.columnNames().map((name, i) => ({ name, type: head.columnType(i).toString() }));
  const list = read.map(({ name, type }) => {
    const c = quoteIdent(name);
    // strlen (bytes) bounds length (characters) from above and is cheaper to count.
    if (type === "VARCHAR" || type === "JSON")
      return `CASE WHEN strlen(${c}) > ${CELL_CHARS} THEN left(${c}::VARCHAR, ${CELL_CHARS}) || '${CUT_MARK}' ELSE ${c}::VARCHAR END AS ${c}`;
    if (type === "BLOB")
      return `CASE WHEN octet_length(${c}) > ${CELL_CHARS} THEN ${c}[1:${CELL_CHARS}] ELSE ${c} END AS ${c}`;
    // One item more than shown, so cutValue sees the list was longer and marks it.
    if (type.endsWith("[]")) return `${c}[1:${CELL_ITEMS + 1}] AS ${c}`;
    return c;
  });
  const columns = read.map((c) => ({ name: cleanText(c.name), type: c.type }));
  return { select: list.length ? list.join(", ") : "*", columns };
}

/** Text PostgreSQL's jsonb takes: it refuses NUL (U+0000), shown instead as U+FFFD. */
export function cleanText(s: string): string {
  return s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s;
}

/** A JSON value with long strings and lists cut, recursively (nested types, BLOB escapes). */
export function cutValue(v: unknown): unknown {
  if (typeof v === "string") return cleanText(v.length > CELL_CHARS ? v.slice(0, CELL_CHARS) + CUT_MARK : v);
  if (Array.isArray(v)) {
    const items = v.slice(0, CELL_ITEMS).map(cutValue);
    return v.length > CELL_ITEMS ? [...items, CUT_MARK] : items;
  }
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [cleanText(k), cutValue(x)]));
  return v;
}

/** Rows with their cells cut, keeping rows while their JSON stays within `maxBytes` (at least one row). */
export function cutRows(rows: Record<string, unknown>[], maxBytes = Infinity): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const row of rows) {
    const cut = cutValue(row) as Record<string, unknown>;
    bytes += Buffer.byteLength(JSON.stringify(cut, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x)));
    if (bytes > maxBytes && out.length > 0) break;
    out.push(cut);
  }
  return out;
}
