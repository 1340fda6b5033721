"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "@scrollintel/ui/badge";
import type { AppRouter } from "@/server/trpc/router";
import { useTRPC } from "@/trpc/client";

export type SavedQuery = inferRouterOutputs<AppRouter>["savedQuery"]["list"][number];

/** The caller's saved queries and the tenant's shared ones: open, share or unshare, delete. */
export function SavedQueries(props: { activeId: string | null; onOpen: (q: SavedQuery) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.savedQuery.list.queryOptions());
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.savedQuery.list.queryKey() });
  const update = useMutation(trpc.savedQuery.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.savedQuery.delete.mutationOptions({ onSuccess: refresh }));
  if (!list.data?.length) return <p className="text-sm text-slate-500">Nothing saved yet.</p>;
  return (
    <ul className="space-y-2 text-sm" data-testid="saved-queries">
      {list.data.map((q) => (
        <li key={q.id} data-testid="saved-query" className={q.id === props.activeId ? "font-semibold" : undefined}>
          <button type="button" className="text-left text-indigo-700 hover:underline" onClick={() => props.onOpen(q)}>
            {q.name}
          </button>
          <div className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-500">
            {q.shared ? <Badge tone="info">shared</Badge> : <Badge>private</Badge>}
            {q.chart ? <span>{q.chart.kind} chart</span> : null}
            {q.mine ? (
              <>
                <button
                  type="button"
                  className="hover:text-indigo-700"
                  onClick={() => update.mutate({ id: q.id, patch: { shared: !q.shared } })}
                >
                  {q.shared ? "unshare" : "share"}
                </button>
                <button type="button" className="hover:text-rose-700" onClick={() => remove.mutate({ id: q.id })}>
                  delete
                </button>
              </>
            ) : (
              <span>by a colleague</span>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
