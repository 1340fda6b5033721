"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { buttonVariants } from "@scrollintel/ui/button";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes, formatCount, formatTime } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";

export default function DatasetsPage() {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.dataset.list.queryOptions(),
    refetchInterval: (q) =>
      q.state.data?.some((d) => d.status === "QUEUED" || d.status === "INGESTING") ? 1000 : false,
  });
  return (
    <Card>
      <CardHeader
        title="Datasets"
        description="Every file you upload becomes a dataset you can query by name."
        actions={
          <Link href="/upload" className={buttonVariants({ size: "sm" })}>
            Upload files
          </Link>
        }
      />
      {list.error ? (
        <div className="p-5">
          <ErrorNotice message={list.error.message} />
        </div>
      ) : list.isLoading ? (
        <p className="p-5 text-sm text-slate-500">Loading…</p>
      ) : !list.data?.length ? (
        <div className="p-5">
          <EmptyState
            title="No datasets yet"
            action={
              <Link href="/upload" className={buttonVariants({})}>
                Upload a file
              </Link>
            }
          >
            Upload a CSV and it will be converted to compressed Parquet, ready to query in seconds.
          </EmptyState>
        </div>
      ) : (
        <table className="w-full text-sm">
          <TableHead labels={["Name", "Status", "Rows >", "Source size >", "Created"]} />
          <tbody className="divide-y divide-slate-100">
            {list.data.map((d) => (
              <tr key={d.id} className="hover:bg-slate-50" data-testid="dataset-row">
                <td className="px-5 py-2.5 font-mono">
                  <Link href={`/datasets/${d.id}`} className="text-indigo-700 hover:underline">
                    {d.name}
                  </Link>
                </td>
                <td className="px-5 py-2.5">
                  <StatusBadge status={d.status} />
                </td>
                <td className="px-5 py-2.5 text-right tabular-nums">{formatCount(d.current?.rowCount)}</td>
                <td className="px-5 py-2.5 text-right tabular-nums">
                  {d.current ? formatBytes(d.current.sourceBytes) : "—"}
                </td>
                <td className="px-5 py-2.5 text-slate-500">{formatTime(d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
