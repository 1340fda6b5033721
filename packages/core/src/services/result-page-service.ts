import type { Db } from "../db/client";
import { waitUntilDone, type NotifyListener } from "../db/notify-listener";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { addJob, QUERY_DONE_CHANNEL } from "../jobs";
import { resultOwner } from "./query-run-view";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { jsonSafe } from "./audit-service";

/** Rows per result page; the grid fetches pages of this size as it scrolls. */
export const RESULT_PAGE_ROWS = 500;

const STALE_PAGE_MS = 60_000;

export interface ResultSort {
  column: string;
  desc: boolean;
}

export interface ResultPage {
  status: "READY" | "PENDING";
  page: number;
  rows: Record<string, unknown>[];
  rowCount: bigint;
}

/**
 * One page of a result, in result order or sorted by one column. Pages the
 * preview already holds come straight from PostgreSQL; others are read from
 * the stored Parquet by the worker (a query-page job) and kept for the next
 * reader. PENDING when the worker has not answered within `waitMs`.
 */
export async function getResultPage(
  db: Db,
  ctx: TenantCtx,
  input: { id: string; page: number; sort?: ResultSort | null; waitMs: number; listener?: NotifyListener | null },
): Promise<ResultPage> {
  requirePermission(ctx, "query.read");
  type First = { done: ResultPage } | { done: null; pageId: string; rowCount: bigint };
  const first = await tenantTx(db, ctx.tenantId, async (tx): Promise<First> => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "read");
    const rowCount = run.rowCount ?? 0n;
    const from = input.page * RESULT_PAGE_ROWS;
    const done = (rows: Record<string, unknown>[]): { done: ResultPage } => ({
      done: { status: "READY", page: input.page, rows, rowCount },
    });
    if (BigInt(from) >= rowCount) return done([]);
    let sortKey = "";
    if (input.sort) {
      const idx = run.columns.findIndex((c) => c.name === input.sort!.column);
      if (idx < 0) throw new DomainError("BAD_REQUEST", `The result has no column ${input.sort.column}.`);
      sortKey = `${idx}:${input.sort.desc ? "desc" : "asc"}`;
    } else {
      const owner = await tx.queryRun.findFirstOrThrow({ where: { id: run.ownerId }, select: { previewRows: true } });
      const preview = owner.previewRows as Record<string, unknown>[];
      if (from + RESULT_PAGE_ROWS <= preview.length || BigInt(preview.length) >= rowCount) {
        return done(preview.slice(from, from + RESULT_PAGE_ROWS));
      }
    }
    const key = { tenantId: ctx.tenantId, queryRunId: run.ownerId, sortKey, page: input.page };
    const made = await tx.queryResultPage.createMany({ data: [key], skipDuplicates: true });
    const row = await tx.queryResultPage.findFirstOrThrow({
      where: key,
      select: { id: true, status: true, createdAt: true, rows: true },
    });
    if (row.status === "SUCCEEDED") return done(row.rows as Record<string, unknown>[]);
    // A page left QUEUED/RUNNING by a worker that died is asked for again.
    const stale =
      (row.status === "QUEUED" || row.status === "RUNNING") && Date.now() - row.createdAt.getTime() > STALE_PAGE_MS;
    if (stale)
      await tx.queryResultPage.update({ where: { id: row.id }, data: { status: "QUEUED", createdAt: new Date() } });
    if (made.count === 1 || stale) {
      await addJob(
        tx,
        "query-page",
        { pageId: row.id },
        { jobKey: `page:${row.id}`, maxAttempts: 1, priority: -20, tenantId: ctx.tenantId },
      );
    }
    return { done: null, pageId: row.id, rowCount };
  });
  if (first.done) return first.done;
  const read = () =>
    tenantTx(db, ctx.tenantId, (tx) =>
      tx.queryResultPage.findFirst({
        where: { id: first.pageId, tenantId: ctx.tenantId },
        select: { status: true, rows: true, error: true },
      }),
    );
  let page = null as Awaited<ReturnType<typeof read>>; // set by check(), which runs first
  await waitUntilDone({
    id: first.pageId,
    timeoutMs: input.waitMs,
    listener: input.listener,
    check: async () => {
      page = await read();
      return page?.status !== "QUEUED" && page?.status !== "RUNNING";
    },
  });
  if (page?.status === "FAILED") throw new DomainError("BAD_REQUEST", page.error ?? "Could not read this page.");
  if (page?.status !== "SUCCEEDED") return { status: "PENDING", page: input.page, rows: [], rowCount: first.rowCount };
  return { status: "READY", page: input.page, rows: page.rows as Record<string, unknown>[], rowCount: first.rowCount };
}

/** Worker side: claims a queued page and says what to read. Null when already handled. */
export async function startResultPage(db: Db, pageId: string) {
  return systemTx(db, async (tx) => {
    const n = await tx.queryResultPage.updateMany({
      where: { id: pageId, status: "QUEUED" },
      data: { status: "RUNNING" },
    });
    if (n.count !== 1) return null;
    const page = await tx.queryResultPage.findUniqueOrThrow({ where: { id: pageId } });
    const run = await tx.queryRun.findUniqueOrThrow({
      where: { id: page.queryRunId },
      select: { resultKey: true, columns: true },
    });
    if (!run.resultKey) throw new Error(`query ${page.queryRunId} has no stored result`);
    const [col, dir] = page.sortKey ? page.sortKey.split(":") : [];
    const columns = run.columns as { name: string }[];
    const sort = col !== undefined ? { column: columns[Number(col)]!.name, desc: dir === "desc" } : null;
    return { id: page.id, tenantId: page.tenantId, page: page.page, resultKey: run.resultKey, sort };
  });
}

/** Worker side: stores the page (or why it failed) and wakes the waiting request. */
export async function finishResultPage(
  db: Db,
  pageId: string,
  outcome: { rows: unknown[] } | { error: string },
): Promise<void> {
  await systemTx(db, async (tx) => {
    await tx.queryResultPage.update({
      where: { id: pageId },
      data:
        "rows" in outcome
          ? {
              status: "SUCCEEDED",
              rows: JSON.parse(JSON.stringify(outcome.rows, jsonSafe)) as object[],
              finishedAt: new Date(),
            }
          : { status: "FAILED", error: outcome.error, finishedAt: new Date() },
    });
    await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${pageId})`;
  });
}
