"use client";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { CHART_KINDS, type ChartSpec } from "@scrollintel/shared/chart-spec";

export const TABS = ["Datasets", "Saved", "History"] as const;
export type Tab = (typeof TABS)[number];

/** SQL longer than this stays out of the URL (servers refuse long request lines); the run id brings it back. */
export const MAX_URL_SQL = 4000;

export interface QueryPageState {
  sql: string;
  runId: string | null;
  tab: Tab;
  chart: ChartSpec | null;
}

/** A chart spec from the URL, or null when it is missing or not one. */
export function parseChartParam(raw: string | null): ChartSpec | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<ChartSpec>;
    const kind = CHART_KINDS.find((k) => k === v.kind);
    if (!kind || typeof v.x !== "string" || !Array.isArray(v.y) || !v.y.every((y) => typeof y === "string")) {
      return null;
    }
    return { kind, x: v.x, y: v.y, series: typeof v.series === "string" ? v.series : null };
  } catch {
    return null;
  }
}

/** The query string for a state: sql (when short enough), run, tab, chart. */
export function queryPageSearch(s: QueryPageState): string {
  const p = new URLSearchParams();
  if (s.sql.trim() && s.sql.length <= MAX_URL_SQL) p.set("sql", s.sql);
  if (s.runId) p.set("run", s.runId);
  if (s.tab !== "Datasets") p.set("tab", s.tab);
  if (s.chart) p.set("chart", JSON.stringify(s.chart));
  const q = p.toString();
  return q ? `?${q}` : "";
}

/**
 * The query page's state as it was in the URL when the page opened (a reload,
 * a shared link, a "new query from this dataset" link), and a writer that
 * keeps the URL in step without a navigation (replaceState, debounced).
 */
export function useQueryUrlState(): [QueryPageState, (s: QueryPageState) => void] {
  const params = useSearchParams();
  const [initial] = useState<QueryPageState>(() => ({
    sql: params.get("sql") ?? "",
    runId: params.get("run"),
    tab: TABS.find((t) => t === params.get("tab")) ?? "Datasets",
    chart: parseChartParam(params.get("chart")),
  }));
  const [state, setState] = useState<QueryPageState>(initial);
  useEffect(() => {
    const timer = setTimeout(() => {
      const search = queryPageSearch(state);
      if (search !== window.location.search) {
        window.history.replaceState(window.history.state, "", `${window.location.pathname}${search}`);
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [state]);
  return [initial, setState];
}
