"use client";
import { useQuery } from "@tanstack/react-query";
import { formatDuration, formatQueuePlace } from "@/components/format";
import { useNow } from "@/components/use-now";
import { useTRPC } from "@/trpc/client";

/**
 * While a run waits or runs: its place in its tenant's queue lane and the time
 * since it was sent. A short poll of its own: the page's long poll answers only
 * once the run is done.
 */
export function RunWait({ runId, since }: { runId: string; since: Date }) {
  const trpc = useTRPC();
  const live = useQuery({
    ...trpc.query.get.queryOptions({ id: runId, waitMs: 0 }),
    refetchInterval: (q) => (!q.state.data || q.state.data.status === "QUEUED" ? 1000 : 2000),
  });
  const now = useNow(1000);
  const status = live.data?.status ?? "QUEUED";
  if (status !== "QUEUED" && status !== "RUNNING") return null;
  const label = status === "QUEUED" ? formatQueuePlace(live.data?.queuePosition) : "Running";
  return (
    <span className="text-sm tabular-nums text-slate-600" data-testid="run-wait">
      {label} · {formatDuration((now - new Date(since).getTime()) / 1000)}
    </span>
  );
}
