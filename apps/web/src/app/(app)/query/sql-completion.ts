import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";

export interface CompletionDataset {
  name: string;
  columns: { name: string; type: string }[];
}

/**
 * The keywords an analyst writes in one SELECT, and DuckDB's everyday
 * functions. The dialect's full list (CATALOG, TRANSACTIONS_ROLLED_BACK, …)
 * buried the columns under words nobody types here.
 */
export const KEYWORDS: readonly string[] = (
  "SELECT,FROM,WHERE,GROUP BY,ORDER BY,HAVING,LIMIT,OFFSET,JOIN,LEFT JOIN,INNER JOIN," +
  "FULL JOIN,CROSS JOIN,ON,USING,AS,AND,OR,NOT,IN,IS,NULL,LIKE,ILIKE,BETWEEN,CASE,WHEN,THEN," +
  "ELSE,END,DISTINCT,UNION ALL,UNION,EXCEPT,INTERSECT,WITH,ASC,DESC,NULLS LAST,NULLS FIRST," +
  "OVER,PARTITION BY,QUALIFY,FILTER,CAST,TRUE,FALSE,EXISTS,INTERVAL,DATE,TIMESTAMP"
).split(",");

export const FUNCTIONS: readonly string[] = (
  "count,sum,avg,min,max,median,quantile_cont,stddev,approx_count_distinct,date_trunc," +
  "date_part,strftime,epoch,year,month,day,now,round,floor,ceil,abs,coalesce,nullif,lower," +
  "upper,length,trim,concat,replace,regexp_matches,string_agg,list,first,last,row_number," +
  "rank,lag,lead"
).split(",");

const quote = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);

/** Datasets named as whole words in the SQL (in FROM or JOIN, usually). */
export function datasetsInSql(sql: string, datasets: readonly CompletionDataset[]): Set<string> {
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return new Set(datasets.filter((d) => words.has(d.name.toLowerCase())).map((d) => d.name));
}

/** Every completion at a bare word: the query's datasets' columns first, then all columns, datasets, keywords, functions. */
export function topLevelCompletions(sql: string, datasets: readonly CompletionDataset[]): Completion[] {
  const used = datasetsInSql(sql, datasets);
  const byName = new Map<string, Completion>();
  for (const d of datasets) {
    const inQuery = used.has(d.name);
    byName.set(`t:${d.name}`, { label: quote(d.name), type: "class", detail: "dataset", boost: 1 });
    for (const c of d.columns) {
      const label = quote(c.name);
      const prev = byName.get(`c:${label}`);
      if (prev && (prev.boost ?? 0) >= (inQuery ? 3 : 0)) continue;
      byName.set(`c:${label}`, { label, type: "property", detail: `${d.name} · ${c.type}`, boost: inQuery ? 3 : 0 });
    }
  }
  const words: Completion[] = [
    ...KEYWORDS.map((k) => ({ label: k, type: "keyword", boost: -1 })),
    ...FUNCTIONS.map((f) => ({ label: f, type: "function", boost: -2 })),
  ];
  return [...byName.values(), ...words];
}

/** Completion of bare words (no `table.` needed); `table.` itself is left to the schema source. */
export function columnCompletionSource(getDatasets: () => readonly CompletionDataset[]): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[\w"]*/);
    if (!word) return null;
    if (word.from === word.to && !context.explicit) return null;
    if (context.state.sliceDoc(word.from - 1, word.from) === ".") return null;
    return {
      from: word.from,
      options: topLevelCompletions(context.state.doc.toString(), getDatasets()),
      validFor: /^[\w"]*$/,
    };
  };
}
