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

const COLORS = ["#4f46e5", "#0891b2", "#16a34a", "#ea580c", "#db2777", "#7c3aed", "#ca8a04", "#475569"];

/** One chart over rows already shaped as { [x]: label, [y1]: number, ... }. */
export function ResultChart(props: {
  kind: ChartKind;
  data: Record<string, unknown>[];
  x: string;
  y: string[];
  height?: number;
}) {
  const { kind, data, x, y } = props;
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="#e2e8f0" />,
    <XAxis key="x" dataKey={x} tick={{ fontSize: 12 }} />,
    <YAxis key="y" tick={{ fontSize: 12 }} />,
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
            data={data.map((d) => ({ [x]: d[x], [k]: d[k] }))}
            dataKey={k}
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
