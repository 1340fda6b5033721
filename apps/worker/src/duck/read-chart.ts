import type { DuckDBConnection } from "@duckdb/node-api";
import { CHART_BUCKETS, CHART_MAX_SERIES } from "@scrollintel/core/services/result-chart-service";
import { chartBoundsSql, chartSql } from "./chart-sql";

/** A chart's rows over a whole stored result: x bounds first, then one aggregate pass (chart-sql.ts). */
export async function readChart(
  conn: DuckDBConnection,
  q: { source: string; x: { name: string; type: string }; y: string[]; series: string | null },
): Promise<Record<string, unknown>[]> {
  const query = { ...q, buckets: CHART_BUCKETS, maxSeries: CHART_MAX_SERIES };
  const boundsSql = chartBoundsSql(query);
  let bounds: { lo: number; hi: number; d: number } | null = null;
  if (boundsSql) {
    const [row] = (await conn.runAndReadAll(boundsSql)).getRowObjectsJson() as Record<string, unknown>[];
    if (row?.lo === null || row?.lo === undefined) return [];
    bounds = { lo: Number(row.lo), hi: Number(row.hi), d: Number(row.d) };
  }
  const read = await conn.runAndReadAll(chartSql(query, bounds));
  return read.getRowObjectsJson() as Record<string, unknown>[];
}
