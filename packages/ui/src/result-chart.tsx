"use client";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { allMidnight, formatAxisNumber, formatTooltipNumber, formatXValue, seriesColor } from "./chart-format";

import type { ChartKind } from "@scrollintel/shared/chart-spec";

// The chart spec is client-safe data shared with the server (saved queries); kept importable from here.
export { CHART_KINDS, type ChartKind, type ChartSpec } from "@scrollintel/shared/chart-spec";
// Shaping rows needs no recharts, so it lives apart (a page can shape now and draw lazily); kept importable here.
export { MAX_SERIES, shapeChartData } from "./chart-data";

const SCATTER_Y = "__y";
/** One chart over data already shaped by shapeChartData: { [x]: label, [key]: number, ... }. */
export function ResultChart(props: {
  kind: ChartKind;
  data: Record<string, unknown>[];
  x: string;
  /** The numeric keys to draw: y columns, or series values. */
  y: string[];
  height?: number;
  /** Per key, the keys holding its bucket's min and max (a chart of aggregated rows): shown in the tooltip. */
  ranges?: Record<string, { min: string; max: string }>;
}) {
  const { kind, data, x, y } = props;
  // A scatter of numbers needs a numeric x axis; text or dates on x stay categories.
  const numericX = kind === "scatter" && data.every((d) => typeof d[x] === "number");
  const datesOnly = allMidnight(data.map((d) => d[x]));
  const xLabel = (v: unknown) => formatXValue(v, datesOnly);
  const tooltip = (
    <Tooltip
      key="t"
      // Inside the plot area; the legend is outside it (above the chart), so the tooltip never covers it.
      allowEscapeViewBox={{ x: false, y: false }}
      wrapperStyle={{ zIndex: 5, pointerEvents: "none", maxWidth: "calc(100% - 64px)" }}
      contentStyle={{ fontSize: 12, padding: "4px 8px", whiteSpace: "normal" }}
      itemStyle={{ padding: 0 }}
      labelFormatter={(v: unknown) => xLabel(v)}
      formatter={(value: unknown, name: unknown, item: { payload?: Record<string, unknown> }) => {
        const range = props.ranges?.[String(name)];
        const p = item.payload ?? {};
        const text = formatTooltipNumber(value);
        return range && p[range.min] !== p[range.max]
          ? `${text} (avg; ${formatTooltipNumber(p[range.min])} – ${formatTooltipNumber(p[range.max])})`
          : text;
      }}
    />
  );
  const legend = <Legend key="l" verticalAlign="top" align="right" wrapperStyle={{ fontSize: 12, paddingBottom: 8 }} />;
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="#e2e8f0" />,
    <XAxis
      key="x"
      dataKey={x}
      name={x}
      tick={{ fontSize: 12 }}
      type={numericX ? "number" : "category"}
      tickFormatter={xLabel}
      minTickGap={16}
    />,
    <YAxis
      key="y"
      tick={{ fontSize: 12 }}
      dataKey={kind === "scatter" ? SCATTER_Y : undefined}
      tickFormatter={formatAxisNumber}
      width={56}
    />,
    tooltip,
  ];
  let chart;
  if (kind === "pie") {
    chart = (
      <PieChart>
        {tooltip}
        {legend}
        <Pie data={data} dataKey={y[0] ?? ""} nameKey={x} outerRadius="80%" isAnimationActive={false}>
          {data.map((_, i) => (
            <Cell key={i} fill={seriesColor(i)} />
          ))}
        </Pie>
      </PieChart>
    );
  } else if (kind === "scatter") {
    chart = (
      <ScatterChart>
        {axes}
        {y.map((k, i) => (
          <Scatter
            key={k}
            name={k}
            data={data
              .filter((d) => d[k] !== null && d[k] !== undefined)
              .map((d) => ({ [x]: d[x], [SCATTER_Y]: d[k] }))}
            fill={seriesColor(i)}
            isAnimationActive={false}
          />
        ))}
      </ScatterChart>
    );
  } else if (kind === "line") {
    chart = (
      <LineChart data={data}>
        {axes}
        {y.map((k, i) => (
          <Line key={k} type="monotone" dataKey={k} stroke={seriesColor(i)} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    );
  } else if (kind === "area") {
    chart = (
      <AreaChart data={data}>
        {axes}
        {y.map((k, i) => (
          <Area
            key={k}
            type="monotone"
            dataKey={k}
            stroke={seriesColor(i)}
            fill={seriesColor(i)}
            fillOpacity={0.2}
            isAnimationActive={false}
          />
        ))}
      </AreaChart>
    );
  } else {
    chart = (
      <BarChart data={data}>
        {axes}
        {y.map((k, i) => (
          <Bar key={k} dataKey={k} fill={seriesColor(i)} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  }
  return (
    <div style={{ width: "100%" }} data-testid="result-chart">
      {kind === "pie" ? null : (
        // Drawn above the plot, not inside it: however it wraps on a phone, the plot's tooltip stays clear of it.
        <ul
          data-testid="chart-legend"
          className="mb-2 flex flex-wrap justify-end gap-x-3 gap-y-1 text-xs text-slate-700"
        >
          {y.map((k, i) => (
            <li key={k} className="flex items-center gap-1">
              <span
                aria-hidden="true"
                style={{ background: seriesColor(i), width: 10, height: 10, borderRadius: 2, display: "inline-block" }}
              />
              {k}
            </li>
          ))}
        </ul>
      )}
      {/* Many series: taller, so the tooltip listing them all fits in the plot. */}
      <div style={{ width: "100%", height: props.height ?? 320 + Math.max(0, y.length - 6) * 24 }}>
        <ResponsiveContainer width="100%" height="100%">
          {chart}
        </ResponsiveContainer>
      </div>
    </div>
  );
}
