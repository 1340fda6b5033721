import type { Db } from "../db/client";
import type { NotifyListener } from "../db/notify-listener";
import { tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { chartKey } from "../lifecycle/result-page-lifecycle";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { queueResultView, waitForResultView } from "./result-page-service";
import { resultOwner } from "./query-run-view";

/** Points (x buckets) a chart of a whole result is cut into; each holds avg, min and max of its rows. */
export const CHART_BUCKETS = 400;
/** Series beyond this many (by row count) are left out of a chart. */
export const CHART_MAX_SERIES = 12;

export interface ResultChartInput {
  id: string;
  x: string;
  y: string[];
  series?: string | null;
  waitMs: number;
  listener?: NotifyListener | null;
}

/**
 * A chart of every row of a stored result, not just the preview: the worker
 * runs DuckDB over the stored Parquet and answers one row per x bucket (and
 * series) with avg/min/max of each y (`y0`, `y0_min`, `y0_max`, … and `n`),
 * sorted by x. The answer is kept, so the same chart is read once.
 * PENDING when the worker has not answered within `waitMs`.
 */
export async function getResultChart(
  db: Db,
  ctx: TenantCtx,
  input: ResultChartInput,
): Promise<{ status: "READY" | "PENDING"; rows: Record<string, unknown>[] }> {
  requirePermission(ctx, "query.read");
  const first = await tenantTx(db, ctx.tenantId, async (tx) => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "chart", ctx.actor.id);
    const index = (name: string, field: string) => {
      const i = run.columns.findIndex((c) => c.name === name);
      if (i < 0) throw new DomainError("BAD_REQUEST", `${field}: the result has no column ${name}.`);
      return i;
    };
    const sortKey = chartKey({
      x: index(input.x, "x"),
      y: input.y.map((y) => index(y, "y")),
      series: input.series ? index(input.series, "series") : null,
    });
    return queueResultView(tx, ctx, { queryRunId: run.ownerId, sortKey, page: 0 });
  });
  if ("rows" in first) return { status: "READY", rows: first.rows };
  const rows = await waitForResultView(db, ctx, {
    pageId: first.pageId,
    waitMs: input.waitMs,
    listener: input.listener,
  });
  return rows ? { status: "READY", rows } : { status: "PENDING", rows: [] };
}
