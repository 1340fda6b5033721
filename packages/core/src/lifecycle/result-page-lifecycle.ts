import { z } from "zod";
import type { Tx } from "../db/client";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { jsonSafe } from "../services/audit-service";
import { parseResultColumns } from "./query-run-lifecycle";
import { isLive, WORK_STATUS } from "./work-status";

/**
 * The result page's lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED, and a
 * page left live by a dead worker QUEUED again. A page has no Job row: it is
 * a short read the user waits on, not work counted against the tenant's
 * concurrent jobs, so each transition updates the QueryResultPage row alone.
 */

/** A page a worker has not answered for this long is asked for again. */
export const STALE_PAGE_MS = 60_000;

/** QueryResultPage.rows: the page's rows, JSON-safe, cells cut. */
export const ZPageRows = z.array(z.record(z.string(), z.unknown()));

/** "chart:<x index>:<y index>[,<y index>…]:<series index or ->": a chart of the whole result. */
export const CHART_KEY = /^chart:(\d+):(\d+(?:,\d+)*):(\d+|-)$/;

/**
 * QueryResultPage.sortKey names the view of a result a row holds: "" for
 * result order, "<column index>:asc|desc" for a sort, or a chart's aggregate
 * (CHART_KEY above, always page 0).
 */
export const ZSortKey = z.union([z.literal(""), z.string().regex(/^\d+:(asc|desc)$/), z.string().regex(CHART_KEY)]);

export interface ChartOfKey {
  x: { name: string; type: string };
  y: string[];
  series: string | null;
}

/** The key of a chart over a result's columns (by index, so names need no escaping). */
export function chartKey(indexes: { x: number; y: number[]; series: number | null }): string {
  return `chart:${indexes.x}:${indexes.y.join(",")}:${indexes.series ?? "-"}`;
}

/** The chart a key names, as columns of the result; null for a key that is not a chart's. */
export function chartOfKey(sortKey: string, columnsJson: unknown): ChartOfKey | null {
  const m = CHART_KEY.exec(ZSortKey.parse(sortKey));
  if (!m) return null;
  const columns = parseResultColumns(columnsJson);
  const col = (i: string) => {
    const c = columns[Number(i)];
    if (!c) throw new Error(`chart key ${sortKey} names no column ${i} of the result`);
    return c;
  };
  return { x: col(m[1]!), y: m[2]!.split(",").map((i) => col(i).name), series: m[3] === "-" ? null : col(m[3]!).name };
}

export function parsePageRows(json: unknown): Record<string, unknown>[] {
  return ZPageRows.parse(json);
}

/** The sort a page's key names, as a column of the result; null for result order. */
export function sortOfKey(sortKey: string, columnsJson: unknown): { column: string; desc: boolean } | null {
  const key = ZSortKey.parse(sortKey);
  if (!key || CHART_KEY.test(key)) return null;
  const [col, dir] = key.split(":");
  const column = parseResultColumns(columnsJson)[Number(col)];
  if (!column) throw new Error(`sort key ${key} names no column of the result`);
  return { column: column.name, desc: dir === "desc" };
}

/** True for a page still live after STALE_PAGE_MS: its worker is gone. */
export function isStalePage(row: { status: string; createdAt: Date }, now = Date.now()): boolean {
  return isLive(row.status) && now - row.createdAt.getTime() > STALE_PAGE_MS;
}

/** A stale page -> QUEUED again (its createdAt restarts the clock). */
export async function requeuePage(tx: Tx, pageId: string): Promise<void> {
  await tx.queryResultPage.update({
    where: { id: pageId },
    data: { status: WORK_STATUS.QUEUED, createdAt: new Date() },
  });
}

/** QUEUED -> RUNNING; what the worker reads. Null when it was already handled. */
export async function claimResultPage(tx: Tx, pageId: string) {
  const n = await tx.queryResultPage.updateMany({
    where: { id: pageId, status: WORK_STATUS.QUEUED },
    data: { status: WORK_STATUS.RUNNING },
  });
  if (n.count !== 1) return null;
  const page = await tx.queryResultPage.findUniqueOrThrow({ where: { id: pageId } });
  const run = await tx.queryRun.findUniqueOrThrow({
    where: { id: page.queryRunId },
    select: { resultKey: true, columns: true },
  });
  if (!run.resultKey) throw new Error(`query ${page.queryRunId} has no stored result`);
  const sort = sortOfKey(page.sortKey, run.columns);
  const chart = chartOfKey(page.sortKey, run.columns);
  return { id: page.id, tenantId: page.tenantId, page: page.page, resultKey: run.resultKey, sort, chart };
}

/** RUNNING -> SUCCEEDED with its rows, or FAILED with why; wakes the waiting request. */
export async function settleResultPage(
  tx: Tx,
  pageId: string,
  outcome: { rows: unknown[] } | { error: string },
): Promise<void> {
  await tx.queryResultPage.update({
    where: { id: pageId },
    data:
      "rows" in outcome
        ? {
            status: WORK_STATUS.SUCCEEDED,
            rows: JSON.parse(JSON.stringify(outcome.rows, jsonSafe)) as object[],
            finishedAt: new Date(),
          }
        : { status: WORK_STATUS.FAILED, error: outcome.error, finishedAt: new Date() },
  });
  await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${pageId})`;
}
