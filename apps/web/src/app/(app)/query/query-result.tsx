"use client";
import type { inferRouterOutputs } from "@trpc/server";
import { useMemo } from "react";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { cn } from "@scrollintel/ui/cn";
import type { ChartSpec } from "@scrollintel/ui/result-chart";
import { formatCount } from "@/components/format";
import type { AppRouter } from "@/server/trpc/router";
import { ChartPanel } from "./chart-panel";
import { DownloadButtons } from "./download-buttons";
import { ResultGrid } from "./result-grid";
import { useChartData } from "./use-chart-data";

export type ShownRun = inferRouterOutputs<AppRouter>["query"]["get"];

const rows = (n: number) => `${formatCount(n)} ${n === 1 ? "row" : "rows"}`;

/**
 * A finished run's grid and chart. `stale` while another query runs: the
 * last result stays, dimmed and labelled, instead of an empty page.
 */
export function QueryResult(props: {
  run: ShownRun;
  stale: boolean;
  spec: ChartSpec;
  onChart: (spec: ChartSpec) => void;
}) {
  const { run, spec } = props;
  const rowCount = Number(run.rowCount ?? 0);
  const columns = useMemo(() => (run.columns ?? []) as { name: string; type: string }[], [run.columns]);
  const preview = useMemo(() => (run.previewRows ?? []) as Record<string, unknown>[], [run.previewRows]);
  const chart = useChartData({ runId: run.id, rowCount, preview, columns, spec });
  return (
    <div
      className={cn("space-y-6", props.stale && "opacity-60")}
      data-testid="query-result"
      data-stale={props.stale ? "true" : undefined}
      data-run-id={run.id}
    >
      <Card>
        <CardHeader
          title={props.stale ? "Previous result" : "Result"}
          description={`${rows(rowCount)} · click a column to sort, drag its edge to resize`}
          actions={<DownloadButtons runId={run.id} />}
        />
        <CardBody>
          <ResultGrid runId={run.id} columns={columns} rowCount={rowCount} preview={preview} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Chart"
          description={
            chart.aggregated
              ? `All ${rows(rowCount)}, averaged per x bucket (the tooltip shows each bucket's min – max)`
              : undefined
          }
        />
        <CardBody>
          <ChartPanel columns={columns} chart={chart} spec={spec} onChange={props.onChart} />
        </CardBody>
      </Card>
    </div>
  );
}
