"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { buttonVariants } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DataGrid } from "@scrollintel/ui/data-grid";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { formatBytes, formatCount } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";

export default function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  const ds = useQuery({
    ...trpc.dataset.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && ["QUEUED", "INGESTING"].includes(q.state.data.status) ? 1000 : false),
  });
  if (ds.error) return <ErrorNotice title="Dataset not available" message={ds.error.message} />;
  if (!ds.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const d = ds.data;
  const v = d.versions[0];
  const columns = v?.columns ?? [];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={<span className="font-mono">{d.name}</span>}
          description={
            v
              ? `Version ${v.version} · ${formatCount(v.rowCount)} rows · ${formatBytes(v.sourceBytes)} uploaded · ${formatBytes(v.storedBytes)} as Parquet`
              : undefined
          }
          actions={
            <>
              <StatusBadge status={d.status} />
              {d.status === "READY" ? (
                <Link
                  href={`/query?sql=${encodeURIComponent(`SELECT * FROM ${d.name} LIMIT 100`)}`}
                  className={buttonVariants({ size: "sm" })}
                >
                  Query
                </Link>
              ) : null}
            </>
          }
        />
        {v?.error ? (
          <CardBody>
            <ErrorNotice title="Ingest failed" message={v.error} />
          </CardBody>
        ) : null}
        {d.status === "QUEUED" || d.status === "INGESTING" ? (
          <CardBody>
            <p className="text-sm text-slate-600">Converting to Parquet… this page updates by itself.</p>
          </CardBody>
        ) : null}
      </Card>
      {columns.length ? (
        <Card>
          <CardHeader title="Schema" description={`${columns.length} columns`} />
          <table className="w-full text-sm" data-testid="schema">
            <tbody className="divide-y divide-slate-100">
              {columns.map((c) => (
                <tr key={c.name}>
                  <td className="px-5 py-2 font-mono">{c.name}</td>
                  <td className="px-5 py-2 font-mono text-slate-500">{c.type}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
      {Array.isArray(d.preview) && d.preview.length ? (
        <Card>
          <CardHeader title="First rows" />
          <CardBody>
            <DataGrid columns={columns} rows={d.preview as Record<string, unknown>[]} height={360} />
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
