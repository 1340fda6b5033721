"use client";
import { useMemo } from "react";
import { Label, Select } from "@scrollintel/ui/input";
import { CHART_KINDS, ResultChart, shapeChartData, type ChartKind, type ChartSpec } from "@scrollintel/ui/result-chart";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/i;

type Column = { name: string; type: string };

/** A chart that fits these columns: the first text column as x, the first other numeric column as y. */
export function defaultChartSpec(columns: Column[]): ChartSpec {
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  const x = columns.find((c) => !NUMERIC.test(c.type))?.name ?? columns[0]?.name ?? "";
  const y = numeric.find((n) => n !== x);
  return { kind: "bar", x, y: y ? [y] : [], series: null };
}

/** Keeps a saved chart when its columns are still in the result, else falls back to the default. */
export function fitChartSpec(spec: ChartSpec | null, columns: Column[]): ChartSpec {
  const names = new Set(columns.map((c) => c.name));
  const fits =
    spec && names.has(spec.x) && spec.y.every((y) => names.has(y)) && (!spec.series || names.has(spec.series));
  return fits ? spec : defaultChartSpec(columns);
}

/** Chart kind, x, y (one or more) and series pickers over a result, and the chart itself. */
export function ChartPanel(props: {
  columns: Column[];
  rows: Record<string, unknown>[];
  spec: ChartSpec;
  onChange: (spec: ChartSpec) => void;
}) {
  const { columns, rows, spec, onChange } = props;
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  const shaped = useMemo(() => shapeChartData(rows, spec), [rows, spec]);
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
      {shaped.droppedSeries > 0 ? (
        <p className="text-xs text-slate-500">
          {shaped.droppedSeries} more series left out; filter the query to see them.
        </p>
      ) : null}
      <ResultChart kind={spec.kind} data={shaped.data} x={spec.x} y={shaped.keys} />
    </div>
  );
}
