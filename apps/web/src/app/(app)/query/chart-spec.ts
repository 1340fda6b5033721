import type { ChartSpec } from "@scrollintel/ui/result-chart";

export const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/i;
export const TEMPORAL = /^(DATE|TIMESTAMP.*|TIME)$/i;
/** Names of keys and ids: never a sensible axis or measure by default. */
const ID_LIKE = /(^id$|_id$|^id_|Id$|_key$|^key$)/;

export type Column = { name: string; type: string };

/**
 * A chart that fits these columns: a time column on x (a line), else a text
 * column (bars), else the first numeric column that is not an id; y is the
 * first other numeric column that is not an id.
 */
export function defaultChartSpec(columns: Column[]): ChartSpec {
  const notId = columns.filter((c) => !ID_LIKE.test(c.name));
  const time = notId.find((c) => TEMPORAL.test(c.type)) ?? columns.find((c) => TEMPORAL.test(c.type));
  const text = notId.find((c) => !NUMERIC.test(c.type) && !TEMPORAL.test(c.type));
  const x = time ?? text ?? notId.find((c) => NUMERIC.test(c.type)) ?? columns[0];
  const numeric = (cs: Column[]) => cs.filter((c) => NUMERIC.test(c.type) && c.name !== x?.name);
  const y = numeric(notId)[0] ?? numeric(columns)[0];
  return { kind: time ? "line" : "bar", x: x?.name ?? "", y: y ? [y.name] : [], series: null };
}

/** Keeps a saved chart when its columns are still in the result, else falls back to the default. */
export function fitChartSpec(spec: ChartSpec | null, columns: Column[]): ChartSpec {
  const names = new Set(columns.map((c) => c.name));
  const fits =
    spec && names.has(spec.x) && spec.y.every((y) => names.has(y)) && (!spec.series || names.has(spec.series));
  return fits ? spec : defaultChartSpec(columns);
}
