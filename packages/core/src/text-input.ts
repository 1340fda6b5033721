/**
 * Text that cannot be stored or run: PostgreSQL refuses NUL in text (22021)
 * and a lone UTF-16 surrogate has no UTF-8 form (DuckDB, hashing and JSON
 * disagree on it). Refused at every edge, with the field named, before it
 * reaches a service. Client-safe: no server imports.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be accepted as text, or null when it can. */
export function describeBadText(s: string): string | null {
  if (s.includes("\0")) return "contains a NUL byte";
  if (LONE_SURROGATE.test(s)) return "contains a lone UTF-16 surrogate (not valid Unicode)";
  return null;
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * The first string anywhere in `value` (keys included) that is not valid
 * text, as "field.path: why"; null when all are. `root` names the value itself.
 */
export function findBadText(value: unknown, root = "input"): string | null {
  const seen = new Set<object>();
  const todo: { v: unknown; path: string }[] = [{ v: value, path: "" }];
  while (todo.length > 0) {
    const { v, path } = todo.pop()!;
    if (typeof v === "string") {
      const why = describeBadText(v);
      if (why) return `${path || root}: ${why}`;
      continue;
    }
    if (!v || typeof v !== "object" || seen.has(v) || v instanceof Date) continue;
    seen.add(v);
    const entries: [string | number, unknown][] =
      v instanceof Map
        ? [...v.entries()].map(([k, x]) => [String(k), x])
        : Array.isArray(v)
          ? [...v.entries()]
          : v instanceof Set
            ? [...v].map((x, i) => [i, x])
            : Object.entries(v);
    for (const [k, x] of entries) {
      const at = fieldPath(path, k);
      const keyWhy = typeof k === "string" ? describeBadText(k) : null;
      if (keyWhy) return `${at}: the field name ${keyWhy}`;
      todo.push({ v: x, path: at });
    }
  }
  return null;
}

/** PostgreSQL's bigint range: ids, cursors and byte counts beyond it cannot be compared or stored. */
export const PG_BIGINT_MAX = 9_223_372_036_854_775_807n;
