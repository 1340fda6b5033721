"use client";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button, buttonVariants } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatTime, plural } from "@/components/format";
import { useTRPC } from "@/trpc/client";

interface Filter {
  action: string;
  actorId: string;
  target: string;
  from: string;
  to: string;
}

const EMPTY: Filter = { action: "", actorId: "", target: "", from: "", to: "" };

function toInput(f: Filter) {
  return {
    action: f.action || undefined,
    actorId: f.actorId || undefined,
    target: f.target || undefined,
    from: f.from ? new Date(f.from) : undefined,
    to: f.to ? new Date(f.to) : undefined,
  };
}

function exportHref(f: Filter, format: "ndjson" | "csv"): string {
  const p = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, k === "from" || k === "to" ? new Date(v).toISOString() : v);
  return `/api/audit/export?${p}`;
}

export default function AuditPage() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ limit: 50, ...toInput(filter) }, { getNextPageParam: (p) => p.nextCursor }),
  );
  const verify = useMutation(trpc.audit.verify.mutationOptions());
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const field = (k: keyof Filter, label: string, type = "text", placeholder = "") => (
    <div>
      <Label htmlFor={`f-${k}`}>{label}</Label>
      <Input
        id={`f-${k}`}
        type={type}
        placeholder={placeholder}
        value={draft[k]}
        onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
      />
    </div>
  );
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Audit log"
          description="Every sign-in, member and key change, upload, dataset change, query and export — append-only and hash-chained."
          actions={
            <>
              <a className={buttonVariants({ variant: "secondary", size: "sm" })} href={exportHref(filter, "ndjson")}>
                Export NDJSON
              </a>
              <a className={buttonVariants({ variant: "secondary", size: "sm" })} href={exportHref(filter, "csv")}>
                Export CSV
              </a>
              <Button size="sm" onClick={() => verify.mutate()} disabled={verify.isPending}>
                {verify.isPending ? "Verifying…" : "Verify chain"}
              </Button>
            </>
          }
        />
        <CardBody>
          <form
            className="grid gap-3 md:grid-cols-6"
            onSubmit={(e) => {
              e.preventDefault();
              setFilter(draft);
            }}
          >
            {field("action", "Action", "text", "e.g. member or query.run")}
            {field("actorId", "Actor id", "text", "user or key id (hover a name)")}
            {field("target", "Target id")}
            {field("from", "From", "datetime-local")}
            {field("to", "To", "datetime-local")}
            <div className="flex items-end gap-2">
              <Button type="submit">Filter</Button>
              <Button
                variant="ghost"
                onClick={() => {
                  setDraft(EMPTY);
                  setFilter(EMPTY);
                }}
              >
                Clear
              </Button>
            </div>
          </form>
          {verify.data ? (
            <div className="mt-4" data-testid="verify-result">
              {verify.data.ok ? (
                <Badge tone="success">Chain intact: {plural(verify.data.checked, "event")} verified</Badge>
              ) : (
                <ErrorNotice
                  title="Chain broken"
                  message={`Event #${verify.data.firstBreak?.seq} fails verification (${verify.data.firstBreak?.problem}); ${plural(verify.data.checked, "event")} before it ${verify.data.checked === 1 ? "is" : "are"} intact.`}
                />
              )}
            </div>
          ) : null}
        </CardBody>
        {events.error ? (
          <div className="p-5">
            <ErrorNotice message={events.error.message} />
          </div>
        ) : !items.length && !events.isLoading ? (
          <div className="p-5">
            <EmptyState title="No events match" />
          </div>
        ) : (
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full text-sm">
              <TableHead labels={["#", "Time", "Action", "Actor", "Target", "IP / agent"]} />
              <tbody className="divide-y divide-slate-100">
                {items.map((e) => (
                  <tr key={e.id} data-testid="audit-row" title={JSON.stringify(e.metadata)}>
                    <td className="px-5 py-2 tabular-nums text-slate-500">{e.seq}</td>
                    <td className="px-5 py-2 text-slate-600">{formatTime(e.createdAt)}</td>
                    <td className="px-5 py-2 font-mono">{e.action}</td>
                    <td className="px-5 py-2 text-slate-600" title={e.actorId ?? undefined} data-testid="audit-actor">
                      {e.actorLabel ?? (
                        <>
                          {e.actorType.toLowerCase()}{" "}
                          {e.actorId ? <span className="font-mono text-xs">{e.actorId}</span> : null}
                        </>
                      )}
                    </td>
                    <td className="px-5 py-2 text-xs" title={e.target ?? undefined} data-testid="audit-target">
                      {e.targetLabel ?? <span className="font-mono">{e.target}</span>}
                    </td>
                    <td className="max-w-48 truncate px-5 py-2 text-xs text-slate-500">
                      {e.ip} {e.userAgent}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
    </div>
  );
}
