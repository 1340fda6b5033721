import { quoteIdent } from "@scrollintel/core/sql-check";

/** DuckDB types whose values are instants or days: bucketed by epoch seconds. */
export const TEMPORAL_TYPE = /^(DATE|TIMESTAMP.*|TIME)$/i;
/** DuckDB types bucketed as numbers. */
export const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

export interface ChartQuery {
  /** The relation to read (e.g. read_parquet('…')). */
  source: string;
  x: { name: string; type: string };
  y: string[];
  series: string | null;
  buckets: number;
  maxSeries: number;
}

/**
 * The x value as a number to bucket by, or null for a category axis.
 * DATE and TIME go through TIMESTAMP so epoch() works for all of them.
 */
function xNumber(q: ChartQuery): string | null {
  if (/^TIME$/i.test(q.x.type)) return `epoch(TIMESTAMP '1970-01-01' + x)`;
  if (TEMPORAL_TYPE.test(q.x.type)) return `epoch(x::TIMESTAMP)`;
  if (NUMERIC_TYPE.test(q.x.type)) return `x::DOUBLE`;
  return null;
}

/** The bounds of x and about how many distinct values it has: decides exact x or buckets. */
export function chartBoundsSql(q: ChartQuery): string | null {
  const num = xNumber(q);
  if (!num) return null;
  return `SELECT min(${num}) AS lo, max(${num}) AS hi, approx_count_distinct(x) AS d
            FROM (SELECT ${quoteIdent(q.x.name)} AS x FROM ${q.source}) WHERE x IS NOT NULL`;
}

/**
 * One row per x (or x bucket) and series: `x`, `s`, then `y<i>` (avg),
 * `y<i>_min`, `y<i>_max` per y column and `n` (rows). DuckDB streams the
 * file through a GROUP BY of at most buckets × series groups, so memory stays
 * bounded whatever the result's size. Ordered by x.
 * `bounds` is chartBoundsSql's answer, or null for a category axis (the
 * `buckets` most frequent categories are kept).
 */
export function chartSql(q: ChartQuery, bounds: { lo: number; hi: number; d: number } | null): string {
  const ys = q.y.map((y, i) => `TRY_CAST(${quoteIdent(y)} AS DOUBLE) AS y${i}`).join(", ");
  const s = q.series ? `CAST(${quoteIdent(q.series)} AS VARCHAR)` : "NULL::VARCHAR";
  const aggs = q.y.map((_, i) => `avg(y${i}) AS y${i}, min(y${i}) AS y${i}_min, max(y${i}) AS y${i}_max`).join(", ");
  const src = `src AS (SELECT ${quoteIdent(q.x.name)} AS x, ${s} AS s, ${ys} FROM ${q.source} WHERE ${quoteIdent(q.x.name)} IS NOT NULL)`;
  const topSeries = q.series
    ? `, top_s AS (SELECT s FROM src GROUP BY s ORDER BY count(*) DESC, s LIMIT ${q.maxSeries})`
    : "";
  const inSeries = q.series ? "s IN (SELECT s FROM top_s)" : "TRUE";
  const num = xNumber(q);
  if (!bounds || !num) {
    return `WITH ${src}${topSeries},
      top_x AS (SELECT x FROM src GROUP BY x ORDER BY count(*) DESC, x LIMIT ${q.buckets})
      SELECT x, s, ${aggs}, count(*) AS n FROM src
       WHERE x IN (SELECT x FROM top_x) AND ${inSeries} GROUP BY x, s ORDER BY x, s`;
  }
  if (bounds.d <= q.buckets || bounds.hi <= bounds.lo) {
    return `WITH ${src}${topSeries}
      SELECT x, s, ${aggs}, count(*) AS n FROM src WHERE ${inSeries} GROUP BY x, s ORDER BY x, s`;
  }
  const width = (bounds.hi - bounds.lo) / q.buckets;
  const b = `least(${q.buckets - 1}, floor((${num} - ${bounds.lo}) / ${width}))`;
  const start = `${bounds.lo} + b * ${width}`;
  // A bucket is labelled by where it starts, so every series shares the same x values.
  const label = TEMPORAL_TYPE.test(q.x.type) ? `to_timestamp(${start})::TIMESTAMP` : `${start}`;
  return `WITH ${src}${topSeries}, bucketed AS (SELECT ${b} AS b, * FROM src WHERE ${inSeries})
    SELECT ${label} AS x, s, ${aggs}, count(*) AS n FROM bucketed GROUP BY b, s ORDER BY b, s`;
}
