"use client";
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** A small bar chart of counts per label: a column's histogram or its top values. */
export function HistogramChart(props: {
  bins: { label: string; count: number }[];
  layout?: "columns" | "rows";
  height?: number;
  color?: string;
}) {
  const rows = props.layout === "rows";
  return (
    <div style={{ width: "100%", height: props.height ?? 120 }} data-testid="histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={props.bins}
          layout={rows ? "vertical" : "horizontal"}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          {rows ? (
            <>
              <XAxis type="number" hide />
              <YAxis type="category" dataKey="label" width={96} tick={{ fontSize: 11 }} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey="label" hide />
              <YAxis hide />
            </>
          )}
          <Tooltip formatter={(v) => Number(v).toLocaleString("en-US")} labelStyle={{ fontSize: 12 }} />
          <Bar dataKey="count" fill={props.color ?? "#4f46e5"} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
