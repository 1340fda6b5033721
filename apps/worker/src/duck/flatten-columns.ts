import type { Col } from "./source-sql";

/** The top-level pieces of a comma list, ignoring commas inside parentheses and quotes. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && ch === ",") {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter(Boolean);
}

/** The fields of a DuckDB STRUCT type as DESCRIBE spells it, or null for any other type (lists included). */
export function structFields(type: string): Col[] | null {
  const m = /^STRUCT\((.*)\)$/s.exec(type.trim());
  if (!m) return null;
  return splitTop(m[1]!).map((f) => {
    const q = /^"((?:[^"]|"")*)"\s+(.*)$/s.exec(f);
    if (q) return { name: q[1]!.replaceAll('""', '"'), type: q[2]! };
    const sp = f.indexOf(" ");
    return { name: f.slice(0, sp), type: f.slice(sp + 1) };
  });
}

/**
 * Struct columns as top-level columns, recursively: a STRUCT(b STRUCT(c INT))
 * column "a" becomes "a_b_c" reading the path a.b.c. Lists stay lists. A name
 * taken already gets a numeric suffix, so no two columns collide.
 */
export function flattenColumns(cols: Col[]): Col[] {
  const out: Col[] = [];
  const taken = new Set<string>();
  const add = (c: Col) => {
    let name = c.name;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${c.name}_${i}`;
    taken.add(name.toLowerCase());
    out.push({ ...c, name });
  };
  const walk = (name: string, type: string, path: string[]) => {
    const fields = structFields(type);
    if (!fields || fields.length === 0) return add({ name, type, ...(path.length > 1 ? { path } : {}) });
    for (const f of fields) walk(`${name}_${f.name}`, f.type, [...path, f.name]);
  };
  for (const c of cols) walk(c.name, c.type, [c.name]);
  return out;
}
