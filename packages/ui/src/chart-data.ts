import type { ChartSpec } from "@scrollintel/shared/chart-spec";

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
