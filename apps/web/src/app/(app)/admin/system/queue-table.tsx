"use client";
import { EmptyState } from "@scrollintel/ui/empty-state";
import { TableHead } from "@scrollintel/ui/table-head";
import type { QueueRow } from "@scrollintel/core/metrics/queue-metrics";
import { formatCount, formatDuration } from "@/components/format";

/** The job queue by task; a lag over a minute is marked, as the alert rule is. */
export function QueueTable({ rows }: { rows: QueueRow[] }) {
  if (!rows.length) return <EmptyState title="The queue is empty">No job is waiting, running or failed.</EmptyState>;
  return (
    <div className="overflow-x-auto" tabIndex={0}>
      <table className="w-full text-sm" data-testid="queue-table">
        <TableHead labels={["Task", "Waiting", "Running", "Scheduled", "Failed", "Oldest wait"]} />
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.task}>
              <td className="px-4 py-2 font-mono text-xs">{r.task}</td>
              <td className="px-4 py-2 text-right tabular-nums">{formatCount(r.waiting)}</td>
              <td className="px-4 py-2 text-right tabular-nums">{formatCount(r.running)}</td>
              <td className="px-4 py-2 text-right tabular-nums">{formatCount(r.scheduled)}</td>
              <td className={`px-4 py-2 text-right tabular-nums ${r.failed ? "text-rose-700" : ""}`}>
                {formatCount(r.failed)}
              </td>
              <td className={`px-4 py-2 text-right tabular-nums ${r.oldestWaitSeconds > 60 ? "text-amber-700" : ""}`}>
                {r.waiting ? formatDuration(r.oldestWaitSeconds) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
