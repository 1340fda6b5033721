"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { ProgressBar } from "@scrollintel/ui/progress-bar";
import { formatBytes, formatTime, plural } from "@/components/format";
import { useTRPC } from "@/trpc/client";
import { ARCHIVE_STATUS, MOVING } from "@scrollintel/shared/archive-status";

interface Props {
  datasetId: string;
  archiveStatus: string;
  archivedAt: Date | string | null;
  archiveError: string | null;
  progress: unknown;
}

/** A cold dataset: why queries refuse it, the Restore action, and the move's progress. */
export function ArchivePanel({ datasetId, archiveStatus, archivedAt, archiveError, progress }: Props) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const restore = useMutation(
    trpc.dataset.restoreArchive.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }),
  );
  if (archiveStatus === ARCHIVE_STATUS.WARM) return null;
  const p = (progress ?? {}) as { done?: number; total?: number; bytes?: number };
  const percent = p.total ? ((p.done ?? 0) / p.total) * 100 : 0;
  const moving = (MOVING as readonly string[]).includes(archiveStatus);
  return (
    <div className="space-y-2 rounded-md border border-sky-200 bg-sky-50 p-3" data-testid="archive-panel">
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <span className="text-slate-700">
          <Badge tone="info">{archiveStatus.toLowerCase()}</Badge>{" "}
          {archiveStatus === ARCHIVE_STATUS.ARCHIVED
            ? `In the archive since ${archivedAt ? formatTime(archivedAt) : "—"}: queries answer "archived: restore to query".`
            : archiveStatus === ARCHIVE_STATUS.RESTORING
              ? "Restoring from the archive; queries can use it once this finishes."
              : "Moving to the archive (not queried for a while)."}
        </span>
        {archiveStatus === ARCHIVE_STATUS.ARCHIVED ? (
          <Button size="sm" disabled={restore.isPending} onClick={() => restore.mutate({ id: datasetId })}>
            Restore
          </Button>
        ) : null}
      </div>
      {moving ? (
        <>
          <ProgressBar
            value={percent}
            label={archiveStatus === ARCHIVE_STATUS.RESTORING ? "Restore progress" : "Archive progress"}
          />
          <p className="text-xs tabular-nums text-slate-500" data-testid="archive-progress">
            {p.done ?? 0} of {p.total ? plural(p.total, "file") : "… files"}
            {p.bytes ? ` · ${formatBytes(p.bytes)}` : ""}
          </p>
        </>
      ) : null}
      {archiveError ? <ErrorNotice title="The last restore did not finish" message={archiveError} /> : null}
      {restore.error ? <ErrorNotice message={restore.error.message} /> : null}
    </div>
  );
}
