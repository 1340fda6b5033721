"use client";
import Link from "next/link";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { StatList } from "@scrollintel/ui/stat-list";
import { formatCount, formatTime } from "@/components/format";
import type { AppRouter } from "@/server/trpc/router";

export type ConnectorView = inferRouterOutputs<AppRouter>["connector"]["list"][number];

const TONE = { running: "success", paused: "neutral", error: "danger" } as const;

/** One connector: where it reads, where it writes, how it is doing, and what can be done with it. */
export function ConnectorItem({
  c,
  busy,
  onEdit,
  onPauseResume,
  onDelete,
}: {
  c: ConnectorView;
  busy: boolean;
  onEdit: () => void;
  onPauseResume: () => void;
  onDelete: () => void;
}) {
  return (
    <li className="space-y-3 px-5 py-4" data-testid="connector-row" aria-labelledby={`connector-${c.id}-title`}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={`connector-${c.id}-title`} className="font-mono text-sm font-semibold text-slate-900">
          {c.stream}
          {c.subject ? <span className="font-normal text-slate-500"> · {c.subject}</span> : null}
        </h3>
        <Badge tone={TONE[c.state]} data-testid="connector-state">
          {c.state}
        </Badge>
        <span className="text-sm text-slate-600">
          into{" "}
          {c.datasetName && !c.datasetTrashed ? (
            <Link className="text-indigo-700 underline" href={`/datasets/${c.datasetId}`}>
              {c.datasetName}
            </Link>
          ) : (
            <span>{c.datasetName ? `${c.datasetName} (in the trash)` : "a deleted dataset"}</span>
          )}
        </span>
      </div>
      {c.lastError ? (
        <p className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-sm break-words text-rose-800">
          <span className="font-semibold">{c.state === "paused" ? "Note: " : "Last error: "}</span>
          {c.lastError}
        </p>
      ) : null}
      <StatList
        className="max-w-lg text-sm"
        items={[
          { label: "Servers", value: c.servers.join(", ") },
          { label: "Credentials", value: c.hasCredentials ? "stored, encrypted" : "none" },
          { label: "Records consumed", value: formatCount(c.recordsConsumed) },
          { label: "Pending in stream", value: c.pending === null ? "not known yet" : formatCount(c.pending) },
          { label: "Last message", value: c.lastMessageAt ? formatTime(c.lastMessageAt) : "none yet" },
          { label: "Stream sequence", value: formatCount(c.position) },
        ]}
      />
      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="secondary" onClick={onEdit} aria-label={`Edit connector ${c.stream}`}>
          Edit
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={busy}
          onClick={onPauseResume}
          aria-label={`${c.state === "paused" ? "Resume" : "Pause"} connector ${c.stream}`}
        >
          {c.state === "paused" ? "Resume" : "Pause"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDelete} aria-label={`Delete connector ${c.stream}`}>
          Delete
        </Button>
      </div>
    </li>
  );
}
