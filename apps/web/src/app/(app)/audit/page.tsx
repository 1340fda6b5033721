"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input } from "@scrollintel/ui/input";
import { formatTime } from "@/components/format";
import { useTRPC } from "@/trpc/client";

export default function AuditPage() {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 50, action: action || undefined },
      { getNextPageParam: (p) => p.nextCursor },
    ),
  );
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardHeader
        title="Audit log"
        description="Every sign-in, upload, dataset change and query in this workspace, newest first."
        actions={
          <Input
            aria-label="Filter by action"
            placeholder="Filter by action, e.g. query"
            value={action}
            onChange={(e) => setAction(e.target.value)}
            className="w-64"
          />
        }
      />
      {events.error ? (
        <div className="p-5">
          <ErrorNotice message={events.error.message} />
        </div>
      ) : !items.length && !events.isLoading ? (
        <div className="p-5">
          <EmptyState title="No events match" />
        </div>
      ) : (
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-5 py-2">#</th>
              <th className="px-5 py-2">Time</th>
              <th className="px-5 py-2">Action</th>
              <th className="px-5 py-2">Actor</th>
              <th className="px-5 py-2">Target</th>
              <th className="px-5 py-2">IP</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td className="px-5 py-2 tabular-nums text-slate-400">{e.seq}</td>
                <td className="px-5 py-2 text-slate-600">{formatTime(e.createdAt)}</td>
                <td className="px-5 py-2 font-mono">{e.action}</td>
                <td className="px-5 py-2 text-slate-600">
                  {e.actorType.toLowerCase()}{" "}
                  {e.actorId ? <span className="font-mono text-xs">{e.actorId}</span> : null}
                </td>
                <td className="px-5 py-2 font-mono text-xs">{e.target}</td>
                <td className="px-5 py-2 text-slate-500">{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.hasNextPage ? (
        <div className="border-t border-slate-100 p-3 text-center">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void events.fetchNextPage()}
            disabled={events.isFetchingNextPage}
          >
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
