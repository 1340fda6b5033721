"use client";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { HistogramChart } from "@scrollintel/ui/histogram-chart";
import { StatList } from "@scrollintel/ui/stat-list";
import { formatCount } from "@/components/format";

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? formatCount(v) : v.toPrecision(6);
  return String(v);
}

function stats(p: ColumnProfile) {
  const items = [
    { label: "nulls", value: `${formatCount(p.nulls)} (${p.count ? ((p.nulls / p.count) * 100).toFixed(1) : "0"}%)` },
    { label: "distinct ≈", value: formatCount(p.distinct) },
  ];
  if (p.kind !== "other") items.push({ label: "min", value: show(p.min) }, { label: "max", value: show(p.max) });
  if (p.mean !== null) items.push({ label: "mean", value: show(p.mean) });
  if (p.quantiles) {
    items.push(
      { label: "p25 ≈", value: show(p.quantiles.q25) },
      { label: "median ≈", value: show(p.quantiles.q50) },
      { label: "p75 ≈", value: show(p.quantiles.q75) },
    );
  }
  return items;
}

function ProfileCard({ p }: { p: ColumnProfile }) {
  const top = p.top.map((t) => ({ label: t.value, count: t.count }));
  return (
    <div className="rounded-md border border-slate-200 p-3" data-testid="column-profile">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <span className="truncate font-mono text-sm font-medium">{p.name}</span>
        <span className="font-mono text-xs text-slate-500">{p.type}</span>
      </div>
      <StatList items={stats(p)} />
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

/** Every column's profile from ingest: statistics plus a histogram or the top values. */
export function ColumnProfiles({ profile }: { profile: ColumnProfile[] }) {
  if (!profile.length) return null;
  const sampled = profile.some((p) => p.sampled);
  return (
    <Card>
      <CardHeader
        title="Column profiles"
        description={
          sampled
            ? "Nulls, min and max over every row; the rest estimated from a sample of row blocks."
            : "Computed over every row at ingest."
        }
      />
      <div className="grid gap-3 p-5 sm:grid-cols-2 lg:grid-cols-3" data-testid="column-profiles">
        {profile.map((p) => (
          <ProfileCard key={p.name} p={p} />
        ))}
      </div>
    </Card>
  );
}
