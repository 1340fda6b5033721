/** The SQL a "new query from this dataset" starts with. */
export function newQuerySql(dataset: string): string {
  const name = /^[a-z_][a-z0-9_]*$/.test(dataset) ? dataset : `"${dataset.replaceAll('"', '""')}"`;
  return `SELECT * FROM ${name} LIMIT 100`;
}

/** The query page opened on a new query over one dataset. */
export function newQueryHref(dataset: string): string {
  return `/query?${new URLSearchParams({ sql: newQuerySql(dataset) }).toString()}`;
}
