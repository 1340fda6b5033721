/**
 * The identifiers a SQL text mentions, lowercased: bare words and "quoted"
 * names, with string literals and comments left out. It errs towards more
 * (a column named like a dataset counts), which is the safe side for both
 * of its uses: refusing a query over an archived dataset before it is queued,
 * and marking datasets as recently queried so they stay warm.
 */
export function sqlIdentifiers(sql: string): Set<string> {
  const out = new Set<string>();
  const token = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)/g;
  for (const m of sql.matchAll(token)) {
    if (m[1] !== undefined) out.add(m[1].replace(/""/g, '"').toLowerCase());
    else if (m[2] !== undefined) out.add(m[2].toLowerCase());
  }
  return out;
}

/** The names (as given) that the SQL text mentions. */
export function namesInSql(sql: string, names: string[]): string[] {
  const ids = sqlIdentifiers(sql);
  return names.filter((n) => ids.has(n.toLowerCase()));
}
