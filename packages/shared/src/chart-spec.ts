export const CHART_KINDS = ["bar", "line", "area", "scatter", "pie"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** Which columns go where: x, one or more y, and optionally a column whose values become series. */
export interface ChartSpec {
  kind: ChartKind;
  x: string;
  y: string[];
  series: string | null;
}
