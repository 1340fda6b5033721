"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DataGrid } from "@scrollintel/ui/data-grid";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { Textarea } from "@scrollintel/ui/input";
import { formatCount } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";
import { ChartPanel } from "./chart-panel";

function QueryEditor() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const [sql, setSql] = useState(params.get("sql") ?? "");
  const [runId, setRunId] = useState<string | null>(null);
  const datasets = useQuery(trpc.dataset.list.queryOptions());
  const run = useMutation(trpc.query.run.mutationOptions({ onSuccess: (r) => setRunId(r.id) }));
  const result = useQuery({
    ...trpc.query.get.queryOptions({ id: runId ?? "" }),
    enabled: !!runId,
    refetchInterval: (q) => (q.state.data && ["QUEUED", "RUNNING"].includes(q.state.data.status) ? 500 : false),
  });
  const r = result.data ?? run.data;
  const columns = (r?.columns ?? []) as { name: string; type: string }[];
  const rows = (r?.previewRows ?? []) as Record<string, unknown>[];
  const submit = () => sql.trim() && run.mutate({ sql });

  return (
    <div className="grid gap-6 lg:grid-cols-4">
      <Card className="lg:col-span-1">
        <CardHeader title="Datasets" />
        <CardBody>
          {datasets.data?.length ? (
            <ul className="space-y-2 text-sm">
              {datasets.data.map((d) => (
                <li key={d.id}>
                  <button
                    type="button"
                    className="font-mono text-indigo-700 hover:underline"
                    onClick={() => setSql(`SELECT * FROM ${d.name} LIMIT 100`)}
                  >
                    {d.name}
                  </button>
                  <ul className="ml-3 mt-1 text-xs text-slate-500">
                    {(d.latest?.columns ?? []).map((c) => (
                      <li key={c.name} className="font-mono">
                        {c.name} <span className="text-slate-400">{c.type}</span>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">No datasets yet.</p>
          )}
        </CardBody>
      </Card>
      <div className="space-y-6 lg:col-span-3">
        <Card>
          <CardHeader title="SQL" description="One SELECT over your datasets, by name. Ctrl+Enter runs it." />
          <CardBody className="space-y-3">
            <Textarea
              aria-label="SQL"
              rows={8}
              value={sql}
              placeholder="SELECT category, count(*) AS n FROM sales GROUP BY 1 ORDER BY 2 DESC"
              onChange={(e) => setSql(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
            <div className="flex items-center gap-3">
              <Button onClick={submit} disabled={run.isPending || !sql.trim()}>
                {run.isPending ? "Running…" : "Run"}
              </Button>
              {r ? <StatusBadge status={r.status} /> : null}
              {r?.status === "SUCCEEDED" ? (
                <span className="text-sm text-slate-600" data-testid="result-summary">
                  {formatCount(r.rowCount)} rows · {r.durationMs} ms
                </span>
              ) : null}
            </div>
            {run.error ? <ErrorNotice title="Query refused" message={run.error.message} /> : null}
            {r?.status === "FAILED" ? <ErrorNotice title="Query failed" message={r.error ?? "unknown error"} /> : null}
          </CardBody>
        </Card>
        {r?.status === "SUCCEEDED" ? (
          <>
            <Card>
              <CardHeader title="Chart" />
              <CardBody>
                <ChartPanel key={r.id} columns={columns} rows={rows} />
              </CardBody>
            </Card>
            <Card>
              <CardHeader
                title="Result"
                description={
                  rows.length < Number(r.rowCount ?? 0) ? `Showing the first ${rows.length} rows` : undefined
                }
              />
              <CardBody>
                <DataGrid columns={columns} rows={rows} />
              </CardBody>
            </Card>
          </>
        ) : !r ? (
          <EmptyState title="Run a query to see results">
            Pick a dataset on the left to start from a template.
          </EmptyState>
        ) : null}
      </div>
    </div>
  );
}

export default function QueryPage() {
  return (
    <Suspense>
      <QueryEditor />
    </Suspense>
  );
}
