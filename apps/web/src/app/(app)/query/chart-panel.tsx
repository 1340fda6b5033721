"use client";
import { Label, Select } from "@scrollintel/ui/input";
import { CHART_KINDS, type ChartKind, type ChartSpec } from "@scrollintel/shared/chart-spec";
// recharts loads after the page (it would put the route over its JavaScript budget).
import { LazyResultChart as ResultChart } from "@scrollintel/ui/lazy-charts";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { NUMERIC, type Column } from "./chart-spec";
import type { ChartData } from "./use-chart-data";

/** Chart kind, x, y (one or more) and series pickers over a result, and the chart itself. */
export function ChartPanel(props: {
  columns: Column[];
  chart: ChartData;
  spec: ChartSpec;
  onChange: (spec: ChartSpec) => void;
}) {
  const { columns, chart, spec, onChange } = props;
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  if (!numeric.length) return <p className="text-sm text-slate-500">No numeric column to chart.</p>;
  const set = (patch: Partial<ChartSpec>) => onChange({ ...spec, ...patch });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <Label htmlFor="chart-kind">Chart</Label>
          <Select id="chart-kind" value={spec.kind} onChange={(e) => set({ kind: e.target.value as ChartKind })}>
            {CHART_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="chart-x">X</Label>
          <Select id="chart-x" value={spec.x} onChange={(e) => set({ x: e.target.value })}>
            {columns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="chart-y">Y</Label>
          <Select
            id="chart-y"
            multiple={!spec.series}
            size={!spec.series ? Math.min(4, numeric.length) : undefined}
            value={spec.series ? (spec.y[0] ?? "") : spec.y}
            onChange={(e) => set({ y: [...e.target.selectedOptions].map((o) => o.value) })}
            className={!spec.series ? "h-auto" : undefined}
          >
            {numeric.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="chart-series">Series</Label>
          <Select
            id="chart-series"
            value={spec.series ?? ""}
            onChange={(e) => set({ series: e.target.value || null, y: spec.y.slice(0, 1) })}
          >
            <option value="">none</option>
            {columns
              .filter((c) => c.name !== spec.x)
              .map((c) => (
                <option key={c.name}>{c.name}</option>
              ))}
          </Select>
        </div>
      </div>
      {chart.droppedSeries > 0 ? (
        <p className="text-xs text-slate-500">
          {chart.droppedSeries} more series left out; filter the query to see them.
        </p>
      ) : null}
      {chart.error ? <ErrorNotice title="Could not draw the chart" message={chart.error} /> : null}
      {!spec.y.length ? (
        <p className="text-sm text-slate-500">Choose a column for Y.</p>
      ) : chart.loading ? (
        <p className="text-sm text-slate-500" data-testid="chart-loading">
          Charting every row…
        </p>
      ) : (
        <ResultChart kind={spec.kind} data={chart.data} x={spec.x} y={chart.keys} ranges={chart.ranges} />
      )}
    </div>
  );
}
