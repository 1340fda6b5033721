"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Button, buttonVariants } from "@scrollintel/ui/button";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes, formatCount, formatTime, plural } from "@/components/format";
import { newQueryHref } from "@/components/new-query-href";
import { StatusBadge } from "@/components/status-badge";
import { usePermissions } from "@/components/use-permissions";
import { HiddenCount } from "@/components/hidden-count";
import { useTRPC } from "@/trpc/client";

const PAGE = 25;

/** The search text, settled: the server is asked once typing pauses, not per key. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export default function DatasetsPage() {
  const trpc = useTRPC();
  const perms = usePermissions();
  const [text, setText] = useState("");
  const search = useSettled(text.trim());
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [search]);
  const list = useQuery({
    ...trpc.dataset.search.queryOptions({ search, offset, limit: PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.items.some((d) => d.status === "QUEUED" || d.status === "INGESTING") ? 1000 : false,
  });
  const canUpload = perms.has("upload.create");
  const page = list.data;
  return (
    <Card>
      <CardHeader
        title="Datasets"
        description="Every file you upload becomes a dataset you can query by name."
        actions={
          canUpload ? (
            <Link href="/upload" className={buttonVariants({ size: "sm" })}>
              Upload files
            </Link>
          ) : null
        }
      />
      <div className="border-b border-slate-100 px-5 py-3">
        <Input
          type="search"
          aria-label="Search datasets"
          placeholder="Search by name…"
          className="max-w-sm"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {list.error ? (
        <div className="p-5">
          <ErrorNotice message={list.error.message} />
        </div>
      ) : list.isLoading ? (
        <p className="p-5 text-sm text-slate-500">Loading…</p>
      ) : !page?.items.length ? (
        <div className="p-5">
          {search ? (
            <EmptyState title={`No dataset matches “${search}”`}>Try part of the name.</EmptyState>
          ) : (
            <EmptyState
              title="No datasets yet"
              action={
                canUpload ? (
                  <Link href="/upload" className={buttonVariants({})}>
                    Upload a file
                  </Link>
                ) : undefined
              }
            >
              {canUpload
                ? "Upload a CSV, JSON or Parquet file and it becomes compressed Parquet, ready to query in seconds."
                : "Datasets appear here once a member of this workspace uploads one."}
            </EmptyState>
          )}
        </div>
      ) : (
        <>
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full text-sm">
              <TableHead labels={["Name", "Status", "Rows >", "Source size >", "Created"]} />
              <tbody className="divide-y divide-slate-100">
                {page.items.map((d) => (
                  <tr key={d.id} className="hover:bg-slate-50" data-testid="dataset-row">
                    <td className="px-5 py-2.5 font-mono">
                      <Link href={`/datasets/${d.id}`} className="text-indigo-700 hover:underline">
                        {d.name}
                      </Link>
                      {d.status === "READY" ? (
                        <Link
                          href={newQueryHref(d.name)}
                          className="ml-3 font-sans text-xs text-indigo-700 hover:underline"
                          title={`New query from ${d.name}`}
                        >
                          Query
                        </Link>
                      ) : null}
                    </td>
                    <td className="px-5 py-2.5">
                      <StatusBadge status={d.status} />
                    </td>
                    <td className="px-5 py-2.5 text-right tabular-nums">
                      {d.countsHidden ? <HiddenCount /> : formatCount(d.current?.rowCount)}
                    </td>
                    <td className="px-5 py-2.5 text-right whitespace-nowrap tabular-nums">
                      {d.current ? formatBytes(d.current.sourceBytes) : "—"}
                    </td>
                    <td className="px-5 py-2.5 whitespace-nowrap text-slate-500">{formatTime(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 px-5 py-3 text-sm">
            <p className="text-slate-600" data-testid="dataset-count">
              {page.total > page.items.length
                ? `${formatCount(offset + 1)}–${formatCount(offset + page.items.length)} of ${plural(page.total, "dataset")}`
                : plural(page.total, "dataset")}
            </p>
            {page.total > PAGE ? (
              <div className="flex gap-2">
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  Previous
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={offset + PAGE >= page.total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  Next
                </Button>
              </div>
            ) : null}
          </div>
        </>
      )}
    </Card>
  );
}
