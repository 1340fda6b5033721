"use client";
import { useMemo, useState } from "react";
import { Select, Label } from "@scrollintel/ui/input";
import { CHART_KINDS, ResultChart, type ChartKind } from "@scrollintel/ui/result-chart";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/i;

/** Picks sensible defaults (first text column as x, numeric columns as y) and lets the user change them. */
export function ChartPanel({
  columns,
  rows,
}: {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}) {
  const numeric = columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name);
  const defaultX = columns.find((c) => !NUMERIC.test(c.type))?.name ?? columns[0]?.name ?? "";
  const [kind, setKind] = useState<ChartKind>("bar");
  const [x, setX] = useState(defaultX);
  const [y, setY] = useState<string>(numeric.find((n) => n !== defaultX) ?? "");
  const data = useMemo(
    () =>
      rows.slice(0, 500).map((r) => {
        const out: Record<string, unknown> = { [x]: r[x] };
        for (const k of numeric) out[k] = r[k] === null ? null : Number(r[k]);
        return out;
      }),
    [rows, x, numeric],
  );
  if (!numeric.length) return <p className="text-sm text-slate-500">No numeric column to chart.</p>;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-3">
        <div>
          <Label htmlFor="chart-kind">Chart</Label>
          <Select id="chart-kind" value={kind} onChange={(e) => setKind(e.target.value as ChartKind)}>
            {CHART_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="chart-x">X</Label>
          <Select id="chart-x" value={x} onChange={(e) => setX(e.target.value)}>
            {columns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="chart-y">Y</Label>
          <Select id="chart-y" value={y} onChange={(e) => setY(e.target.value)}>
            {numeric.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </Select>
        </div>
      </div>
      <ResultChart kind={kind} data={data} x={x} y={y ? [y] : []} />
    </div>
  );
}
