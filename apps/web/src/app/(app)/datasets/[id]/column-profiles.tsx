"use client";
import { isSampled } from "@scrollintel/core/column-profile";
import type { ReaderColumnProfile as ColumnProfile } from "@scrollintel/core/access/mask-values";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { LazyHistogramChart as HistogramChart } from "@scrollintel/ui/lazy-charts";
import { StatList } from "@scrollintel/ui/stat-list";
import { formatCount, formatNumber } from "@/components/format";

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)))
    return formatNumber(v);
  return String(v);
}

function lengthItems(p: ColumnProfile) {
  if (!p.length) return [];
  return [
    { label: p.kind === "map" ? "entries" : "length", value: `${show(p.length.min)} – ${show(p.length.max)}` },
    { label: p.kind === "map" ? "mean entries" : "mean length", value: formatNumber(p.length.mean) },
  ];
}

/** Every figure exact but distinct, the only one marked "≈". */
function stats(p: ColumnProfile) {
  // A masked column's profile (or every column's under a row filter) holds no values to show.
  if (p.masked) {
    const why = p.masked === "filtered" ? "hidden (row filter)" : `masked (${p.masked})`;
    return [{ label: "values", value: why }];
  }
  const items = [
    { label: "nulls", value: `${formatCount(p.nulls)} (${p.count ? ((p.nulls / p.count) * 100).toFixed(1) : "0"}%)` },
    { label: "distinct ≈", value: formatCount(p.distinct) },
  ];
  if (["number", "time", "string", "boolean"].includes(p.kind))
    items.push({ label: "min", value: show(p.min) }, { label: "max", value: show(p.max) });
  if (p.mean !== null) items.push({ label: "mean", value: formatNumber(p.mean) });
  if (p.quantiles) {
    items.push(
      { label: "p25", value: show(p.quantiles.q25) },
      { label: "median", value: show(p.quantiles.q50) },
      { label: "p75", value: show(p.quantiles.q75) },
    );
  }
  return [...items, ...lengthItems(p)];
}

/** What a nested column holds: list elements, map entries or struct fields. */
function NestedShape({ p }: { p: ColumnProfile }) {
  const fields = p.fields ?? [];
  if (!p.elementType && !fields.length) return null;
  return (
    <p className="mt-2 break-words text-xs text-slate-600" data-testid="nested-shape">
      {p.kind === "struct" ? (
        <>
          <span className="text-slate-500">fields </span>
          {fields.map((f, i) => (
            <span key={f.name} className="font-mono">
              {i ? ", " : ""}
              {f.name} <span className="text-slate-500">{f.type}</span>
            </span>
          ))}
        </>
      ) : (
        <>
          <span className="text-slate-500">{p.kind === "map" ? "entries " : "elements "}</span>
          <span className="font-mono">{p.elementType}</span>
        </>
      )}
    </p>
  );
}

function ProfileCard({ p }: { p: ColumnProfile }) {
  const top = p.top.map((t) => ({ label: t.value, count: t.count }));
  return (
    <div className="min-w-0 rounded-md border border-slate-200 p-3" data-testid="column-profile">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <span className="min-w-0 max-w-[70%] shrink-0 truncate font-mono text-sm font-medium" title={p.name}>
          {p.name}
        </span>
        <span className="min-w-0 truncate font-mono text-xs text-slate-500" title={p.type}>
          {p.type}
        </span>
      </div>
      <StatList items={stats(p)} />
      <NestedShape p={p} />
      {p.histogram.length ? (
        <HistogramChart
          bins={p.histogram}
          layout={p.kind === "boolean" ? "rows" : "columns"}
          height={p.kind === "boolean" ? 60 : 110}
        />
      ) : null}
      {top.length ? (
        <HistogramChart
          bins={top.slice(0, 5)}
          layout="rows"
          height={24 * Math.min(5, top.length) + 8}
          color="#0891b2"
        />
      ) : null}
    </div>
  );
}

/** Which figures are exact, which one is estimated, and what the sample was. */
function describe(profile: ColumnProfile[]): string {
  const p = profile[0]!;
  if (p.count === null)
    return "Rows hidden by your access policy: a row filter applies to you, so counts and values are not shown.";
  const rows = `${formatCount(p.count)} row${p.count === 1 ? "" : "s"}`;
  const base = `Exact over all ${rows}; distinct counts (≈) are HyperLogLog estimates.`;
  // Profiles stored before sampleRows existed say nothing about their sample.
  if (p.sampleRows === undefined || p.sampleRows === null) return base;
  return isSampled({ count: p.count, sampleRows: p.sampleRows })
    ? `${base} Histograms, top values and quartiles from a ${formatCount(p.sampleRows)}-row sample spread over the file.`
    : `${base} Histograms, top values and quartiles from all rows.`;
}

/** Every column's profile from ingest: statistics plus a histogram or the top values. */
export function ColumnProfiles({ profile }: { profile: ColumnProfile[] }) {
  if (!profile.length) return null;
  return (
    <Card>
      <CardHeader title="Column profiles" description={describe(profile)} />
      <div className="grid gap-3 p-5 sm:grid-cols-2 lg:grid-cols-3" data-testid="column-profiles">
        {profile.map((p) => (
          <ProfileCard key={p.name} p={p} />
        ))}
      </div>
    </Card>
  );
}
