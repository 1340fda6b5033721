import type { ProfileKind } from "@scrollintel/core/column-profile";

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)\b/;
const FLOAT = /^(FLOAT|DOUBLE)$/;

/** What a DuckDB type is profiled as. Nested types first: `INTEGER[]` is a list, not a number. */
export function kindOf(type: string): ProfileKind {
  const t = type.trim();
  if (/\[\d*\]$/.test(t)) return "list";
  if (t.startsWith("STRUCT(")) return "struct";
  if (t.startsWith("MAP(")) return "map";
  if (NUMBER.test(t)) return "number";
  if (/^(DATE|TIMESTAMP)/.test(t)) return "time";
  if (t === "VARCHAR") return "string";
  if (t === "BOOLEAN") return "boolean";
  return "other";
}

/** Floats: their sums depend on the order rows are added in, so they are summed compensated and rounded. */
export function isFloat(type: string): boolean {
  return FLOAT.test(type.trim());
}

/** Times whose histogram can be drawn in plain TIMESTAMP bins (zoned ones would depend on the session zone). */
export function hasTimeBins(type: string): boolean {
  return /^(DATE|TIMESTAMP(_S|_MS|_NS)?)$/.test(type.trim());
}

/** Splits at top-level commas (not those inside parentheses or quotes). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The inside of `NAME(...)`. */
function inner(type: string): string {
  return type.slice(type.indexOf("(") + 1, type.lastIndexOf(")"));
}

/** A list's element type: `INTEGER[][]` → `INTEGER[]`; `DOUBLE[2]` → `DOUBLE`. */
export function elementTypeOf(type: string): string {
  return type.trim().replace(/\[\d*\]$/, "");
}

/** A map's key and value types. */
export function mapTypesOf(type: string): { key: string; value: string } {
  const [key = "?", value = "?"] = splitTop(inner(type));
  return { key, value };
}

/** A struct's fields: `STRUCT("a b" INTEGER, c VARCHAR[])` → [{a b, INTEGER}, {c, VARCHAR[]}]. */
export function structFieldsOf(type: string): { name: string; type: string }[] {
  return splitTop(inner(type)).map((f) => {
    const m = /^"((?:[^"]|"")*)"\s+(.*)$/s.exec(f) ?? /^(\S+)\s+(.*)$/s.exec(f);
    return m ? { name: m[1]!.replaceAll('""', '"'), type: m[2]!.trim() } : { name: f, type: "?" };
  });
}
