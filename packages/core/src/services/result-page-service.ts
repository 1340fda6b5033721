import type { Db, Tx } from "../db/client";
import type { NotifyListener } from "../db/notify-listener";
import { systemTx, tenantTx } from "../db/scoped";
import { sqlTenantReadMany } from "../db/sql";
import { DomainError, notFound } from "../errors";
import { addJob } from "../jobs";
import {
  claimResultPage,
  isStalePage,
  parsePageRows,
  requeuePage,
  settleResultPage,
} from "../lifecycle/result-page-lifecycle";
import { waitForRow } from "../lifecycle/wait-for-row";
import { isLive, WORK_STATUS } from "../lifecycle/work-status";
import { assertSameAccess } from "./access-read";
import { checkResultRun, resultOwner } from "./query-run-view";
import { requirePermission, type TenantCtx } from "../tenant-context";

/** Rows per result page; the grid fetches pages of this size as it scrolls. */
export const RESULT_PAGE_ROWS = 500;

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
  const quick = input.sort ? null : await readPageFromPreview(db, ctx, input.id, input.page);
  if (quick) return quick;
  type First = { done: ResultPage } | { done: null; pageId: string; rowCount: bigint };
  const first = await tenantTx(db, ctx.tenantId, async (tx): Promise<First> => {
    const run = await resultOwner(tx, ctx.tenantId, input.id, "read", ctx.actor.id);
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
      const preview = parsePageRows(owner.previewRows);
      if (from + RESULT_PAGE_ROWS <= preview.length || BigInt(preview.length) >= rowCount) {
        return done(preview.slice(from, from + RESULT_PAGE_ROWS));
      }
    }
    const queued = await queueResultView(tx, ctx, { queryRunId: run.ownerId, sortKey, page: input.page });
    return "rows" in queued ? done(queued.rows) : { done: null, pageId: queued.pageId, rowCount };
  });
  if (first.done) return first.done;
  const rows = await waitForResultView(db, ctx, {
    pageId: first.pageId,
    waitMs: input.waitMs,
    listener: input.listener,
  });
  return rows
    ? { status: "READY", page: input.page, rows, rowCount: first.rowCount }
    : { status: "PENDING", page: input.page, rows: [], rowCount: first.rowCount };
}

/**
 * The common read in one round trip (db/sql.ts): a page in result order that
 * the preview holds, of a workspace without data access policies (every
 * reader's digest is then "open"). Null sends the caller down the full path:
 * policies to weigh, a page past the preview, or a missing owner row.
 */
async function readPageFromPreview(db: Db, ctx: TenantCtx, id: string, page: number): Promise<ResultPage | null> {
  const [[run]] = await sqlTenantReadMany<[PreviewPageRow[]]>(db, ctx.tenantId, (lit) => {
    const t = lit(ctx.tenantId);
    return [
      `SELECT r.id, r.status::text AS status, r."cachedFromId", r.columns, r."rowCount", r."resultKey",
              r."resultBytes", r."accessDigest", o.id AS "ownerFound", o."previewRows" AS "ownerPreview",
              EXISTS (SELECT 1 FROM "DatasetPolicy" p WHERE p."tenantId" = ${t}) AS "anyPolicy"
         FROM "QueryRun" r
         LEFT JOIN "QueryRun" o ON o.id = COALESCE(r."cachedFromId", r.id) AND o."tenantId" = r."tenantId"
        WHERE r.id = ${lit(id)} AND r."tenantId" = ${t}`,
    ];
  });
  if (!run) throw notFound("query");
  if (run.anyPolicy) return null;
  assertSameAccess(run.accessDigest, "open");
  checkResultRun(run, "read");
  if (!run.ownerFound) return null;
  const rowCount = run.rowCount ?? 0n;
  const from = page * RESULT_PAGE_ROWS;
  const ready = (rows: Record<string, unknown>[]): ResultPage => ({ status: "READY", page, rows, rowCount });
  if (BigInt(from) >= rowCount) return ready([]);
  const preview = parsePageRows(run.ownerPreview);
  if (from + RESULT_PAGE_ROWS <= preview.length || BigInt(preview.length) >= rowCount) {
    return ready(preview.slice(from, from + RESULT_PAGE_ROWS));
  }
  return null;
}

interface PreviewPageRow {
  id: string;
  status: string;
  cachedFromId: string | null;
  columns: unknown;
  rowCount: bigint | null;
  resultKey: string | null;
  resultBytes: bigint | null;
  accessDigest: string | null;
  ownerFound: string | null;
  ownerPreview: unknown;
  anyPolicy: boolean;
}

/**
 * A view of a stored result (a page in some order, or a chart's aggregate):
 * its rows when the worker already made them, else the row the worker is
 * (now) asked to fill. A view left live by a worker that died is asked for again.
 */
export async function queueResultView(
  tx: Tx,
  ctx: TenantCtx,
  view: { queryRunId: string; sortKey: string; page: number },
): Promise<{ rows: Record<string, unknown>[] } | { pageId: string }> {
  const key = { tenantId: ctx.tenantId, ...view };
  const made = await tx.queryResultPage.createMany({ data: [key], skipDuplicates: true });
  const row = await tx.queryResultPage.findFirstOrThrow({
    where: key,
    select: { id: true, status: true, createdAt: true, rows: true },
  });
  if (row.status === WORK_STATUS.SUCCEEDED) return { rows: parsePageRows(row.rows) };
  const stale = isStalePage(row);
  if (stale) await requeuePage(tx, row.id);
  if (made.count === 1 || stale) {
    await addJob(
      tx,
      "query-page",
      { pageId: row.id },
      { jobKey: `page:${row.id}`, maxAttempts: 1, priority: -20, tenantId: ctx.tenantId },
    );
  }
  return { pageId: row.id };
}

/** Waits up to waitMs for the worker to fill a view: its rows, or null when still pending. */
export async function waitForResultView(
  db: Db,
  ctx: TenantCtx,
  opts: { pageId: string; waitMs: number; listener?: NotifyListener | null },
): Promise<Record<string, unknown>[] | null> {
  const read = () =>
    tenantTx(db, ctx.tenantId, (tx) =>
      tx.queryResultPage.findFirst({
        where: { id: opts.pageId, tenantId: ctx.tenantId },
        select: { status: true, rows: true, error: true },
      }),
    );
  const page = await waitForRow({
    id: opts.pageId,
    timeoutMs: opts.waitMs,
    listener: opts.listener,
    read,
    settled: (p) => !isLive(p.status),
  });
  if (page?.status === WORK_STATUS.FAILED) {
    throw new DomainError("BAD_REQUEST", page.error ?? "Could not read this page.");
  }
  return page?.status === WORK_STATUS.SUCCEEDED ? parsePageRows(page.rows) : null;
}

/** Worker side: claims a queued page and says what to read. Null when already handled. */
export async function startResultPage(db: Db, pageId: string) {
  return systemTx(db, (tx) => claimResultPage(tx, pageId));
}

/** Worker side: stores the page (or why it failed) and wakes the waiting request. */
export async function finishResultPage(
  db: Db,
  pageId: string,
  outcome: { rows: unknown[] } | { error: string },
): Promise<void> {
  await systemTx(db, (tx) => settleResultPage(tx, pageId, outcome));
}
