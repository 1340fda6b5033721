"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface RateSeries {
  key: string;
  label: string;
  color: string;
}

const clock = (at: number) =>
  new Date(at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Rates over the last minutes, one line per series; the Y axis is sized to fit its labels. */
export function RateChart(props: {
  data: Record<string, number>[];
  series: RateSeries[];
  unit: string;
  testId: string;
}) {
  return (
    <div style={{ width: "100%", height: 200 }} data-testid={props.testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={props.data} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={clock} tick={{ fontSize: 11 }} minTickGap={40} />
          <YAxis
            tick={{ fontSize: 11 }}
            width={56}
            allowDecimals
            tickFormatter={(v: number) => v.toLocaleString("en-US", { maximumSignificantDigits: 3 })}
          />
          <Tooltip
            labelFormatter={(v) => clock(Number(v))}
            formatter={(v) => `${Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 })} ${props.unit}`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {props.series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
