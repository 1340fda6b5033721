"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@scrollintel/ui/button";
import { ProgressBar } from "@scrollintel/ui/progress-bar";
import { formatBytes, formatDuration, formatQueuePlace, plural } from "@/components/format";
import { useNow } from "@/components/use-now";
import { useTRPC } from "@/trpc/client";
import type { VersionSummary } from "./dataset-types";

const PHASES: Record<string, string> = {
  reading: "Reading the upload",
  converting: "Converting to Parquet",
  profiling: "Profiling columns",
  storing: "Storing Parquet parts",
};

/** Live progress of a queued or running version, with its cancel button. */
export function IngestProgress({ version }: { version: VersionSummary }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cancel = useMutation(trpc.dataset.cancel.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  const p = version.progress;
  const queued = version.status === "QUEUED" || !p.phase;
  const now = useNow(1000, version.status === "QUEUED");
  const waited = formatDuration((now - new Date(version.createdAt).getTime()) / 1000);
  return (
    <div className="space-y-2" data-testid="ingest-progress">
      <div className="flex items-center justify-between gap-4 text-sm">
        <span className="font-medium text-slate-700">
          Version {version.version}:{" "}
          {version.status === "QUEUED" ? (
            <span data-testid="ingest-queue-place">
              {formatQueuePlace(version.queuePosition)} · {waited}
            </span>
          ) : queued ? (
            "waiting for a worker…"
          ) : (
            (PHASES[p.phase!] ?? p.phase)
          )}
        </span>
        <Button
          variant="secondary"
          size="sm"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ versionId: version.id })}
        >
          Cancel ingest
        </Button>
      </div>
      <ProgressBar value={p.percent ?? 0} label="Ingest progress" />
      {!queued ? (
        <p className="text-xs tabular-nums text-slate-500" data-testid="ingest-progress-detail">
          {formatBytes(p.bytesRead ?? 0)} of {formatBytes(p.totalBytes ?? 0)} · ≈{plural(p.rows ?? 0, "row")} ·{" "}
          {(p.percent ?? 0).toFixed(1)}%{p.etaSeconds != null ? ` · about ${formatDuration(p.etaSeconds)} left` : ""}
        </p>
      ) : null}
    </div>
  );
}
