"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense, useMemo, useRef, useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { cn } from "@scrollintel/ui/cn";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import type { ChartSpec } from "@scrollintel/ui/result-chart";
import { formatBytes, formatCount } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";
import { ChartPanel, fitChartSpec } from "./chart-panel";
import { DownloadButtons } from "./download-buttons";
import { QueryHistory } from "./query-history";
import { ResultGrid } from "./result-grid";
import { RunWait } from "./run-wait";
import { SaveQueryForm } from "./save-query-form";
import { SavedQueries, type SavedQuery } from "./saved-queries";
import { SchemaBrowser } from "./schema-browser";
import { SqlEditor, type SqlEditorHandle } from "./sql-editor";

const RUNNING = new Set(["QUEUED", "RUNNING"]);
const LONG_POLL_MS = 25_000;
const TABS = ["Datasets", "Saved", "History"] as const;

function QueryWorkbench() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const params = useSearchParams();
  const editor = useRef<SqlEditorHandle>(null);
  const [sql, setSql] = useState(params.get("sql") ?? "");
  const [runId, setRunId] = useState<string | null>(null);
  const [open, setOpen] = useState<SavedQuery | null>(null);
  const [chart, setChart] = useState<ChartSpec | null>(null);
  const [tab, setTab] = useState<(typeof TABS)[number]>("Datasets");
  const schema = useQuery(trpc.query.schema.queryOptions());
  const completion = useMemo(
    () => Object.fromEntries((schema.data ?? []).map((d) => [d.name, d.columns.map((c) => c.name)])),
    [schema.data],
  );
  const getOpts = (id: string) =>
    trpc.query.get.queryOptions({ id, waitMs: LONG_POLL_MS }, { trpc: { context: { skipBatch: true } } });
  const run = useMutation(
    trpc.query.run.mutationOptions({
      onSuccess: (r) => {
        if (!RUNNING.has(r.status)) qc.setQueryData(getOpts(r.id).queryKey, r);
        setRunId(r.id);
        void qc.invalidateQueries({ queryKey: trpc.query.list.pathKey() });
      },
    }),
  );
  // Long-polls: the server answers as soon as the worker NOTIFYs that the run is done.
  const result = useQuery({
    ...getOpts(runId ?? ""),
    enabled: !!runId,
    staleTime: Infinity,
    refetchInterval: (q) => (q.state.data && RUNNING.has(q.state.data.status) ? 1 : false),
  });
  const cancel = useMutation(trpc.query.cancel.mutationOptions());
  const r = result.data;
  // Until the long poll answers, the run as query.run returned it (QUEUED or RUNNING).
  const pending = r ?? (run.data?.id === runId ? run.data : undefined);
  const running = run.isPending || (!!pending && RUNNING.has(pending.status));
  const columns = useMemo(() => (r?.columns ?? []) as { name: string; type: string }[], [r?.columns]);
  const preview = useMemo(() => (r?.previewRows ?? []) as Record<string, unknown>[], [r?.previewRows]);
  const spec = fitChartSpec(chart, columns);
  const submit = (text = sql, savedQueryId = open?.id ?? null) => {
    if (text.trim() && !run.isPending) run.mutate({ sql: text, waitMs: 0, savedQueryId });
  };
  const openSaved = (q: SavedQuery) => {
    setOpen(q);
    setSql(q.sql);
    setChart(q.chart);
    submit(q.sql, q.id);
  };

  return (
    <div className="grid gap-6 lg:grid-cols-4">
      <Card className="lg:col-span-1">
        <div className="flex gap-1 border-b border-slate-100 px-3 pt-3" role="tablist">
          {TABS.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              className={cn(
                "rounded-t-md px-3 py-1.5 text-sm font-medium text-slate-600",
                tab === t && "bg-indigo-50 text-indigo-700",
              )}
            >
              {t}
            </button>
          ))}
        </div>
        <CardBody className="max-h-[70vh] overflow-auto">
          {tab === "Datasets" ? (
            <SchemaBrowser
              schema={schema.data}
              onInsert={(text) =>
                sql.trim() ? editor.current?.insert(text) : setSql(`SELECT * FROM ${text} LIMIT 100`)
              }
            />
          ) : tab === "Saved" ? (
            <SavedQueries activeId={open?.id ?? null} onOpen={openSaved} />
          ) : (
            <QueryHistory
              onOpen={(h) => {
                setSql(h.sql);
                setRunId(h.id);
              }}
            />
          )}
        </CardBody>
      </Card>
      <div className="space-y-6 lg:col-span-3">
        <Card>
          <CardHeader
            title={open ? open.name : "SQL"}
            description="One SELECT over your datasets, by name. Ctrl+Enter (⌘+Enter) runs it."
            actions={
              <SaveQueryForm sql={sql} chart={r?.status === "SUCCEEDED" ? spec : chart} open={open} onSaved={setOpen} />
            }
          />
          <CardBody className="space-y-3">
            <SqlEditor
              ref={editor}
              value={sql}
              onChange={setSql}
              onRun={() => submit()}
              schema={completion}
              placeholder="SELECT category, count(*) AS n FROM sales GROUP BY 1 ORDER BY 2 DESC"
            />
            <div className="flex flex-wrap items-center gap-3">
              <Button onClick={() => submit()} disabled={running || !sql.trim()}>
                {running ? "Running…" : "Run"}
              </Button>
              {running && pending ? (
                <Button
                  variant="secondary"
                  onClick={() => cancel.mutate({ id: pending.id })}
                  disabled={cancel.isPending}
                >
                  Cancel
                </Button>
              ) : null}
              {r ? <StatusBadge status={r.status} /> : null}
              {running && pending ? <RunWait runId={pending.id} since={pending.createdAt} /> : null}
              {r?.status === "SUCCEEDED" ? (
                <span className="text-sm text-slate-600" data-testid="result-summary">
                  {formatCount(r.rowCount)} rows · {r.durationMs} ms
                  {r.engineMs !== null ? ` (engine ${r.engineMs} ms)` : ""}
                  {r.cached ? " · from cache" : ` · ${formatBytes(r.scanBytes ?? 0n)} scanned`}
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
              <CardHeader
                title="Result"
                description={`${formatCount(r.rowCount)} rows · click a column to sort`}
                actions={<DownloadButtons runId={r.id} />}
              />
              <CardBody>
                <ResultGrid runId={r.id} columns={columns} rowCount={Number(r.rowCount ?? 0)} preview={preview} />
              </CardBody>
            </Card>
            <Card>
              <CardHeader
                title="Chart"
                description={
                  preview.length < Number(r.rowCount ?? 0)
                    ? `Of the first ${formatCount(preview.length)} rows`
                    : undefined
                }
              />
              <CardBody>
                <ChartPanel columns={columns} rows={preview} spec={spec} onChange={setChart} />
              </CardBody>
            </Card>
          </>
        ) : !r && !running ? (
          <EmptyState title="Run a query to see results">
            Pick a dataset on the left to start from a template; its columns complete as you type.
          </EmptyState>
        ) : null}
      </div>
    </div>
  );
}

export default function QueryPage() {
  return (
    <Suspense>
      <QueryWorkbench />
    </Suspense>
  );
}
