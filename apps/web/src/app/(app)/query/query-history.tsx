"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Button } from "@scrollintel/ui/button";
import { formatCount, formatTime } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";

/** The caller's own runs, newest first; a click reopens the SQL and its result. */
export function QueryHistory(props: { onOpen: (run: { id: string; sql: string }) => void }) {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.query.list.infiniteQueryOptions({ limit: 15 }, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
  );
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  if (!items.length) return <p className="text-sm text-slate-500">No queries run yet.</p>;
  return (
    <div className="space-y-2">
      <ul className="space-y-2 text-sm" data-testid="query-history">
        {items.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="block w-full truncate text-left font-mono text-xs text-slate-800 hover:text-indigo-700"
              title={r.sql}
              onClick={() => props.onOpen(r)}
            >
              {r.sql}
            </button>
            <div className="mt-0.5 flex items-center gap-2 text-xs text-slate-500">
              <StatusBadge status={r.status} />
              {r.cached ? <span>cached</span> : null}
              {r.status === "SUCCEEDED" ? <span>{formatCount(r.rowCount)} rows</span> : null}
              <span>{formatTime(r.createdAt)}</span>
            </div>
          </li>
        ))}
      </ul>
      {history.hasNextPage ? (
        <Button variant="ghost" size="sm" onClick={() => void history.fetchNextPage()}>
          Older
        </Button>
      ) : null}
    </div>
  );
}
