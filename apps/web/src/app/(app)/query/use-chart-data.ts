"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { ChartSpec } from "@scrollintel/shared/chart-spec";
import { shapeChartData } from "@scrollintel/ui/chart-data";
import { useTRPC } from "@/trpc/client";
import { NUMERIC, TEMPORAL, type Column } from "./chart-spec";

export interface ChartData {
  data: Record<string, unknown>[];
  keys: string[];
  ranges?: Record<string, { min: string; max: string }>;
  droppedSeries: number;
  /** True when the points are the worker's buckets of the whole result. */
  aggregated: boolean;
  loading: boolean;
  error: string | null;
}

const num = (v: unknown) => (v === null || v === undefined || v === "" ? null : Number(v));

/** Rows sorted by x when x is a time or a number (text keeps the query's order). */
function sortedByX(rows: Record<string, unknown>[], x: Column | undefined) {
  if (!x || !(TEMPORAL.test(x.type) || NUMERIC.test(x.type))) return rows;
  const key = (v: unknown) => (TEMPORAL.test(x.type) ? new Date(String(v)).getTime() : Number(v));
  return [...rows].sort((a, b) => key(a[x.name]) - key(b[x.name]));
}

/** The worker's rows (x, s, y0, y0_min, y0_max, …) as recharts points with min/max keys per series. */
function shapeAggregated(rows: Record<string, unknown>[], spec: ChartSpec) {
  const ranges: Record<string, { min: string; max: string }> = {};
  const byX = new Map<string, Record<string, unknown>>();
  const keys: string[] = [];
  for (const r of rows) {
    const xKey = String(r.x);
    let point = byX.get(xKey);
    if (!point) byX.set(xKey, (point = { [spec.x]: r.x }));
    const names = spec.series ? [String(r.s ?? "null")] : spec.y;
    names.forEach((name, i) => {
      if (!keys.includes(name)) keys.push(name);
      ranges[name] = { min: `${name}\u0000min`, max: `${name}\u0000max` };
      point[name] = num(r[`y${i}`]);
      point[`${name}\u0000min`] = num(r[`y${i}_min`]);
      point[`${name}\u0000max`] = num(r[`y${i}_max`]);
    });
  }
  return { data: [...byX.values()], keys, ranges };
}

/**
 * What the chart draws: the rows themselves when the preview holds the whole
 * result, else the worker's aggregate of every row (query.chart), bucketed by x.
 */
export function useChartData(opts: {
  runId: string;
  rowCount: number;
  preview: Record<string, unknown>[];
  columns: Column[];
  spec: ChartSpec;
}): ChartData {
  const trpc = useTRPC();
  const { runId, rowCount, preview, columns, spec } = opts;
  const whole = preview.length >= rowCount;
  const ready = spec.y.length > 0 && !!spec.x;
  const chart = useQuery({
    ...trpc.query.chart.queryOptions(
      { id: runId, x: spec.x, y: spec.series ? spec.y.slice(0, 1) : spec.y, series: spec.series, waitMs: 10_000 },
      { trpc: { context: { skipBatch: true } } },
    ),
    enabled: !whole && ready,
    staleTime: Infinity,
    refetchInterval: (q) => (q.state.data?.status === "PENDING" ? 1 : false),
  });
  const local = useMemo(() => {
    if (!whole) return null;
    const x = columns.find((c) => c.name === spec.x);
    return shapeChartData(sortedByX(preview, x), spec);
  }, [whole, preview, columns, spec]);
  const remote = useMemo(
    () => (chart.data?.status === "READY" ? shapeAggregated(chart.data.rows, spec) : null),
    [chart.data, spec],
  );
  if (local) return { ...local, aggregated: false, loading: false, error: null };
  return {
    data: remote?.data ?? [],
    keys: remote?.keys ?? [],
    ranges: remote?.ranges,
    droppedSeries: 0,
    aggregated: true,
    loading: !remote && !chart.error,
    error: chart.error?.message ?? null,
  };
}
