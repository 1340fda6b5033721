"use client";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Records per second over time (one point a minute), for a streaming dataset. */
export function RateChart(props: { points: { label: string; perSecond: number }[]; height?: number }) {
  const fmt = (v: unknown) => Number(v).toLocaleString("en-US", { maximumFractionDigits: 1 });
  return (
    <div style={{ width: "100%", height: props.height ?? 160 }} data-testid="rate-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={props.points} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={40} />
          <YAxis tick={{ fontSize: 11 }} width={64} tickFormatter={fmt} allowDecimals={false} />
          <Tooltip formatter={(v) => [`${fmt(v)} records/s`, "rate"]} labelStyle={{ fontSize: 12 }} />
          <Area
            type="monotone"
            dataKey="perSecond"
            stroke="#4f46e5"
            fill="#c7d2fe"
            isAnimationActive={false}
            name="records/s"
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
