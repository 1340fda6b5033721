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

export const CHART_KINDS = ["bar", "line", "area", "scatter", "pie"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** Which columns go where: x, one or more y, and optionally a column whose values become series. */
export interface ChartSpec {
  kind: ChartKind;
  x: string;
  y: string[];
  series: string | null;
}

const COLORS = ["#4f46e5", "#0891b2", "#16a34a", "#ea580c", "#db2777", "#7c3aed", "#ca8a04", "#475569"];
const SCATTER_Y = "__y";
/** More series than this are not readable; the rest are left out (and said so). */
export const MAX_SERIES = 12;

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Result rows shaped for recharts: one object per x value with a number per
 * key. Without `series` the keys are the y columns; with it, each distinct
 * value of the series column is a key holding the first y column.
 */
export function shapeChartData(
  rows: readonly Record<string, unknown>[],
  spec: Pick<ChartSpec, "x" | "y" | "series">,
): { data: Record<string, unknown>[]; keys: string[]; droppedSeries: number } {
  const { x, y, series } = spec;
  if (!series || !y[0]) {
    const data = rows.map((r) => {
      const out: Record<string, unknown> = { [x]: r[x] };
      for (const k of y) out[k] = toNumber(r[k]);
      return out;
    });
    return { data, keys: y, droppedSeries: 0 };
  }
  const keys: string[] = [];
  const all = new Set<string>();
  const byX = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const key = String(r[series] ?? "null");
    all.add(key);
    if (!keys.includes(key)) {
      if (keys.length >= MAX_SERIES) continue;
      keys.push(key);
    }
    const xKey = String(r[x]);
    let point = byX.get(xKey);
    if (!point) byX.set(xKey, (point = { [x]: r[x] }));
    point[key] = toNumber(r[y[0]]);
  }
  return { data: [...byX.values()], keys, droppedSeries: all.size - keys.length };
}

/** One chart over data already shaped by shapeChartData: { [x]: label, [key]: number, ... }. */
export function ResultChart(props: {
  kind: ChartKind;
  data: Record<string, unknown>[];
  x: string;
  /** The numeric keys to draw: y columns, or series values. */
  y: string[];
  height?: number;
}) {
  const { kind, data, x, y } = props;
  // A scatter of numbers needs a numeric x axis; text or dates on x stay categories.
  const numericX = kind === "scatter" && data.every((d) => typeof d[x] === "number");
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="#e2e8f0" />,
    <XAxis key="x" dataKey={x} name={x} tick={{ fontSize: 12 }} type={numericX ? "number" : "category"} />,
    <YAxis key="y" tick={{ fontSize: 12 }} dataKey={kind === "scatter" ? SCATTER_Y : undefined} />,
    <Tooltip key="t" />,
    <Legend key="l" />,
  ];
  let chart;
  if (kind === "pie") {
    chart = (
      <PieChart>
        <Tooltip />
        <Legend />
        <Pie data={data} dataKey={y[0] ?? ""} nameKey={x} outerRadius="80%" isAnimationActive={false}>
          {data.map((_, i) => (
            <Cell key={i} fill={COLORS[i % COLORS.length]} />
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
            fill={COLORS[i % COLORS.length]}
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
          <Line
            key={k}
            type="monotone"
            dataKey={k}
            stroke={COLORS[i % COLORS.length]}
            dot={false}
            isAnimationActive={false}
          />
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
            stroke={COLORS[i % COLORS.length]}
            fill={COLORS[i % COLORS.length]}
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
          <Bar key={k} dataKey={k} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  }
  return (
    <div style={{ width: "100%", height: props.height ?? 320 }} data-testid="result-chart">
      <ResponsiveContainer width="100%" height="100%">
        {chart}
      </ResponsiveContainer>
    </div>
  );
}
