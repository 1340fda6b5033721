import { hasTimeBins, isFloat, kindOf } from "./profile-kind";
import type { FooterStats } from "./profile-footer";
import { lit } from "./open-duck";
import { ident, type Col } from "./source-sql";

export const HISTOGRAM_BINS = 20;

type Row = Record<string, unknown>;

/** What the one pass over every row gives for a column (footer figures filled in where they were exact). */
export interface PassStats {
  nulls: number;
  min: unknown;
  max: unknown;
  mean: number | null;
  histogram: { label: string; count: number }[];
  length: { min: number; max: number; mean: number } | null;
}

/**
 * The histogram of a number or time column with distinct exact footer
 * bounds, as an aggregate expression (counted over the sample, see
 * profile-sample-stats); null when there is none to draw.
 */
export function histogramSql(c: Col, f: FooterStats | undefined): string | null {
  const bins = binsOf(c, f);
  return bins && `histogram(${ident(c.name)}::${kindOf(c.type) === "time" ? "TIMESTAMP" : "DOUBLE"}, ${bins})`;
}

/** Bounds a histogram can be drawn between (footer bounds known before the pass, distinct, finite). */
function binsOf(c: Col, f: FooterStats | undefined): string | null {
  const k = kindOf(c.type);
  if (!f?.exact || f.min == null || f.max == null || f.min === f.max) return null;
  if (k === "number") {
    const [lo, hi] = [Number(f.min), Number(f.max)];
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
    return `equi_width_bins(${lo}::DOUBLE, ${hi}::DOUBLE, ${HISTOGRAM_BINS}, true)`;
  }
  if (k === "time" && hasTimeBins(c.type)) {
    const b = (v: unknown) => `${lit(String(v))}::${c.type}::TIMESTAMP`;
    return `equi_width_bins(${b(f.min)}, ${b(f.max)}, ${HISTOGRAM_BINS}, true)`;
  }
  return null;
}

/** The aggregates of one column in the pass; footers spare those they answer exactly. */
export function passSql(c: Col, i: number, f: FooterStats | undefined): string[] {
  const x = ident(c.name);
  const k = kindOf(c.type);
  // Every row group's null count (exact, DuckDB wrote the parts) spares count(), and with it decoding a string column.
  const s = f?.nulls == null ? [`count(${x}) AS n${i}`] : [];
  if ((k === "number" || k === "time" || k === "string" || k === "boolean") && !f?.exact)
    s.push(`min(${x}) AS lo${i}`, `max(${x}) AS hi${i}`);
  if (k === "number") {
    // fsum compensates, so a float mean barely depends on the order threads add rows in; integer sums are exact.
    s.push(isFloat(c.type) ? `fsum(${x}) / count(${x}) AS avg${i}` : `avg(${x})::DOUBLE AS avg${i}`);
  }
  if (k === "boolean") s.push(`count_if(${x}) AS t${i}`);
  if (k === "list" || k === "map") {
    const len = k === "list" ? `len(${x})` : `cardinality(${x})`;
    s.push(`min(${len}) AS lmin${i}`, `max(${len}) AS lmax${i}`, `avg(${len})::DOUBLE AS lavg${i}`);
  }
  return s;
}

/** A float mean to 12 significant digits: what remains of summation order is rounded away. */
function meanOf(c: Col, v: unknown): number | null {
  const n = typeof v === "number" ? v : v == null ? null : Number(v);
  if (n === null || !Number.isFinite(n)) return null;
  return isFloat(c.type) ? Number(n.toPrecision(12)) : n;
}

/** Booleans' two bins, and the one bin of a single-valued column; other histograms come from the sample. */
function histogramOf(c: Col, i: number, r: Row, nonNull: number, min: unknown, f: FooterStats | undefined) {
  const k = kindOf(c.type);
  if (k === "boolean") {
    const t = Number(r[`t${i}`] ?? 0);
    return [
      { label: "false", count: nonNull - t },
      { label: "true", count: t },
    ].filter((b) => b.count > 0);
  }
  if (binsOf(c, f)) return [];
  // One value only: one bin.
  if ((k === "number" || (k === "time" && hasTimeBins(c.type))) && nonNull > 0 && min != null)
    return [{ label: String(min), count: nonNull }];
  return [];
}

/** One column's figures from the pass row `r` (and the footers). */
export function readPass(c: Col, i: number, r: Row, total: number, f: FooterStats | undefined): PassStats {
  const nonNull = f?.nulls == null ? Number(r[`n${i}`] ?? 0) : total - f.nulls;
  const min = f?.exact ? f.min : (r[`lo${i}`] ?? null);
  const max = f?.exact ? f.max : (r[`hi${i}`] ?? null);
  const lmin = r[`lmin${i}`];
  return {
    nulls: total - nonNull,
    min,
    max,
    mean: meanOf(c, r[`avg${i}`]),
    histogram: histogramOf(c, i, r, nonNull, min, f),
    length:
      lmin == null
        ? null
        : { min: Number(lmin), max: Number(r[`lmax${i}`]), mean: Number(Number(r[`lavg${i}`]).toPrecision(12)) },
  };
}
