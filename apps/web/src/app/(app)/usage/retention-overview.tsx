"use client";
import type { RetainedData } from "@scrollintel/core/services/retained-data";
import { formatBytes } from "@/components/format";

const LABELS: Record<RetainedData["kind"], string> = {
  datasets: "Datasets (Parquet and the uploads they came from)",
  results: "Query results and exports",
  uploads: "Unfinished uploads",
};

/** "kept 7 days", "kept 24 h after their last byte", "kept until deleted". */
function keptFor(k: RetainedData): string {
  if (!k.keptFor) return "kept until deleted";
  if ("days" in k.keptFor) return `kept ${k.keptFor.days} ${k.keptFor.days === 1 ? "day" : "days"}`;
  return `kept ${k.keptFor.hours} h after their last byte`;
}

/** What the workspace keeps, for how long, and what the retention job removes within a day. */
export function RetentionOverview(props: { kept: RetainedData[]; windowHours: number }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="retention-overview">
      {props.kept.map((k) => (
        <li key={k.kind} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2">
          <span className="font-medium text-slate-800">{LABELS[k.kind]}</span>
          <span className="text-slate-600">
            <span className="font-medium tabular-nums text-slate-800">{formatBytes(k.bytes)}</span>, {keptFor(k)}
            {k.keptFor ? (
              <span className={k.goingBytes > 0n ? "text-amber-700" : "text-slate-500"}>
                {"; "}
                {k.goingBytes > 0n
                  ? `${formatBytes(k.goingBytes)} go in the next ${props.windowHours} h`
                  : `nothing goes in the next ${props.windowHours} h`}
              </span>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
