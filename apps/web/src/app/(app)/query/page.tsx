"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import type { ChartSpec } from "@scrollintel/ui/result-chart";
import { formatBytes, formatCount } from "@/components/format";
import { newQuerySql } from "@/components/new-query-href";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";
import { fitChartSpec } from "./chart-spec";
import { QueryHistory } from "./query-history";
import { PlanLimits, ShortcutsList } from "./query-help";
import { QueryResult, type ShownRun } from "./query-result";
import { QuerySidebar } from "./query-sidebar";
import { RunWait } from "./run-wait";
import { SaveQueryForm } from "./save-query-form";
import { SavedQueries, type SavedQuery } from "./saved-queries";
import { SchemaBrowser } from "./schema-browser";
import type { SqlEditorHandle } from "./sql-editor";
import { useQueryUrlState, type Tab } from "./use-query-url-state";

// CodeMirror is most of this page's JavaScript: it loads after the page, within the route's budget.
const SqlEditor = lazy(() => import("./sql-editor").then((m) => ({ default: m.SqlEditor })));

const RUNNING = new Set(["QUEUED", "RUNNING"]);
const LONG_POLL_MS = 25_000;

function QueryWorkbench() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [initial, writeUrl] = useQueryUrlState();
  const editor = useRef<SqlEditorHandle>(null);
  const [sql, setSql] = useState(initial.sql);
  const [runId, setRunId] = useState<string | null>(initial.runId);
  const [open, setOpen] = useState<SavedQuery | null>(null);
  const [chart, setChart] = useState<ChartSpec | null>(initial.chart);
  const [tab, setTab] = useState<Tab>(initial.tab);
  // The last result stays on screen while the next query runs.
  const [lastDone, setLastDone] = useState<ShownRun | null>(null);
  useEffect(() => writeUrl({ sql, runId, tab, chart }), [writeUrl, sql, runId, tab, chart]);
  const schema = useQuery(trpc.query.schema.queryOptions());
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
    retry: 3,
    refetchInterval: (q) => (q.state.data && RUNNING.has(q.state.data.status) ? 1 : false),
  });
  const cancel = useMutation(trpc.query.cancel.mutationOptions());
  const r = result.data;
  // The long poll answers only once the run is done: until then the run is as
  // query.run returned it (QUEUED or RUNNING), or, after a reload, as a short poll sees it.
  const fromRun = run.data?.id === runId ? run.data : undefined;
  // A run restored from the URL: its current state at once (the same short poll RunWait uses).
  const peek = useQuery({
    ...trpc.query.get.queryOptions({ id: runId ?? "", waitMs: 0 }),
    enabled: !!runId && !r && !fromRun,
  });
  const pending = r ?? fromRun ?? peek.data;
  const running = run.isPending || (!!pending && RUNNING.has(pending.status)) || (!!runId && result.isPending);
  useEffect(() => {
    if (r?.status === "SUCCEEDED") setLastDone(r as ShownRun);
    if (r && !sql.trim()) setSql(r.sql);
    // Only when a new answer arrives: the SQL may be edited afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r]);
  const settled = r && !RUNNING.has(r.status) ? r : null;
  const shown = settled ? (settled.status === "SUCCEEDED" ? (settled as ShownRun) : null) : lastDone;
  const columns = useMemo(() => (shown?.columns ?? []) as { name: string; type: string }[], [shown?.columns]);
  const spec = fitChartSpec(chart, columns);
  const submit = (text = sql, savedQueryId = open?.id ?? null) => {
    if (text.trim() && !running) run.mutate({ sql: text, waitMs: 0, savedQueryId });
  };
  const openSaved = (q: SavedQuery) => {
    setOpen(q);
    setSql(q.sql);
    setChart(q.chart);
    submit(q.sql, q.id);
  };
  const insert = (text: string, template: boolean) =>
    !sql.trim() && template ? setSql(newQuerySql(text)) : editor.current?.insert(text);

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-4">
      <QuerySidebar
        tab={tab}
        onTab={setTab}
        defaultOpen={initial.tab !== "Datasets"}
        className="order-2 lg:order-1 lg:col-span-1"
      >
        {tab === "Datasets" ? (
          <SchemaBrowser
            schema={schema.data}
            onInsert={insert}
            onNewQuery={(name) => {
              setOpen(null);
              setSql(newQuerySql(name));
            }}
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
      </QuerySidebar>
      <div className="order-1 min-w-0 space-y-6 lg:order-2 lg:col-span-3">
        <Card>
          <CardHeader
            title={open ? open.name : "SQL"}
            description="One SELECT over your datasets, by name. Ctrl+Enter (⌘+Enter) runs it."
            actions={<SaveQueryForm sql={sql} chart={shown ? spec : chart} open={open} onSaved={setOpen} />}
          />
          <CardBody className="space-y-3">
            <Suspense fallback={<div className="h-40 rounded-md border border-slate-200" aria-hidden="true" />}>
              <SqlEditor
                ref={editor}
                value={sql}
                onChange={setSql}
                onRun={() => submit()}
                datasets={schema.data}
                placeholder="SELECT category, count(*) AS n FROM sales GROUP BY 1 ORDER BY 2 DESC"
              />
            </Suspense>
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
              {settled ? <StatusBadge status={settled.status} /> : null}
              {running && pending ? <RunWait runId={pending.id} since={pending.createdAt} /> : null}
              {settled?.status === "SUCCEEDED" ? (
                <span className="text-sm text-slate-600" data-testid="result-summary">
                  {formatCount(settled.rowCount)} {settled.rowCount === 1n ? "row" : "rows"} · {settled.durationMs} ms
                  {settled.engineMs !== null ? ` (engine ${settled.engineMs} ms)` : ""}
                  {settled.cached ? " · from cache" : ` · ${formatBytes(settled.scanBytes ?? 0n)} scanned`}
                </span>
              ) : null}
            </div>
            {run.error ? <ErrorNotice title="Query refused" message={run.error.message} /> : null}
            {result.error ? <ErrorNotice title="Could not load the query" message={result.error.message} /> : null}
            {settled?.status === "FAILED" ? (
              <ErrorNotice title="Query failed" message={settled.error ?? "unknown error"} />
            ) : null}
            <div className="flex flex-wrap items-start justify-between gap-3">
              <PlanLimits />
              <ShortcutsList />
            </div>
          </CardBody>
        </Card>
        {shown ? (
          <QueryResult run={shown} stale={running || shown.id !== settled?.id} spec={spec} onChart={setChart} />
        ) : running ? (
          <EmptyState title="Running your query…">The result shows here as soon as it is ready.</EmptyState>
        ) : !settled ? (
          <EmptyState title="Run a query to see results">
            Pick a dataset to start from a template; its columns complete as you type.
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
