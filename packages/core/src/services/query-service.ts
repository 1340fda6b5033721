import type { Db } from "../db/client";
import type { NotifyListener } from "../db/notify-listener";
import { cancelQueryRunRow } from "../lifecycle/query-run-lifecycle";
import { waitForRow } from "../lifecycle/wait-for-row";
import { isDone, WORK_STATUS } from "../lifecycle/work-status";
import { tenantTx } from "../db/scoped";
import { sqlTenantTx, utc, withWriterTurn } from "../db/sql";
import { notFound } from "../errors";
import { jobKeys, removeWaitingJob } from "../job-lanes";
import { addJob, QUERY_CANCEL_CHANNEL, QUERY_DONE_CHANNEL } from "../jobs";
import { newId } from "../keys";
import { checkSqlText } from "../sql-check";
import { assertQueryable } from "../tiering/queryable";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { cacheKeyFor, createRunFromCache } from "./query-cache-service";
import { readQueryRun, type QueryRunView } from "./query-run-view";
import { assertJobSlot } from "./quota-service";
import { readReaderView } from "./access-read";

/** How long a new run waits for its workspace's job-slot lock before it is told to retry. */
export const JOB_SLOT_LOCK_WAIT_MS = 2_000;

/**
 * Answers from the result cache when the same SQL already ran over the same
 * dataset versions; otherwise records the run and enqueues it for the
 * sandbox, in one transaction.
 */
export async function createQueryRun(
  db: Db,
  ctx: TenantCtx,
  input: { sql: string; savedQueryId?: string | null; useCache?: boolean },
): Promise<{ id: string; cached: QueryRunView | null }> {
  const started = performance.now();
  requirePermission(ctx, "query.run");
  requireActive(ctx);
  const text = checkSqlText(input.sql);
  // Plain SQL (db/sql.ts): this transaction is on every query's path. It ends in the audit chain's
  // workspace lock, so it takes a writer's turn: waiting runs never hold every pool connection.
  return withWriterTurn(db, () =>
    sqlTenantTx(db, ctx.tenantId, async (sql) => {
      const savedQueryId = input.savedQueryId ?? null;
      if (savedQueryId) {
        const [saved] = await sql.query(
          `SELECT id FROM "SavedQuery" WHERE id = $1 AND "tenantId" = $2 AND ("ownerId" = $3 OR shared)`,
          [savedQueryId, ctx.tenantId, ctx.actor.id],
        );
        if (!saved) throw notFound("saved query");
      }
      const { cacheKey, fingerprint, accessDigest } = await cacheKeyFor(sql, ctx, text);
      if (input.useCache !== false) {
        const hit = await createRunFromCache(sql, ctx, { sql: text, cacheKey, accessDigest, savedQueryId, started });
        if (hit) return { id: hit.id, cached: hit };
      }
      // A cached result needs no data; a fresh run needs every dataset it names warm.
      await assertQueryable(sql, ctx.tenantId, text);
      // Waiting behind the workspace's other admissions is bounded: past it, 429 + Retry-After.
      await assertJobSlot(sql, ctx.tenantId, { scan: true, lockWaitMs: JOB_SLOT_LOCK_WAIT_MS });
      const id = newId();
      // The run and its job row in one statement.
      await sql.query(
        `WITH r AS (
         INSERT INTO "QueryRun" (id, "tenantId", "userId", sql, "cacheKey", "savedQueryId", "createdAt", "accessDigest")
         VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz AT TIME ZONE 'UTC', $9)
         RETURNING id)
       INSERT INTO "Job" (id, "tenantId", kind, "targetId", "createdBy", "createdAt")
       SELECT $8, $2, 'query', r.id, $3, $7::timestamptz AT TIME ZONE 'UTC' FROM r
       RETURNING id`,
        [id, ctx.tenantId, ctx.actor.id, text, cacheKey, savedQueryId, utc(new Date()), newId(), accessDigest],
      );
      // The key (the run id is new, nothing to deduplicate) finds the job for its place in line.
      await addJob(
        sql,
        "query",
        { queryRunId: id, fingerprint },
        { jobKey: jobKeys.query(id), maxAttempts: 1, priority: -10, tenantId: ctx.tenantId },
      );
      await appendAudit(sql, auditFromCtx(ctx, "query.run", id, { sql: text.slice(0, 2000) }));
      return { id, cached: null };
    }),
  );
}

/** One run of this tenant; a cache hit carries the preview rows of the run it reuses. */
export async function getQueryRunById(db: Db, ctx: TenantCtx, id: string): Promise<QueryRunView> {
  const run = await sqlTenantTx(db, ctx.tenantId, (sql) => readQueryRun(sql, ctx.tenantId, id, ctx.actor.id));
  if (!run) throw notFound("query");
  return run;
}

/** The caller's query history, newest first; `cursor` is the last id of the previous page. */
export async function findQueryRuns(db: Db, ctx: TenantCtx, opts: { limit: number; cursor?: string | null }) {
  const rows = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.queryRun.findMany({
      where: { tenantId: ctx.tenantId, userId: ctx.actor.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
      select: {
        id: true,
        sql: true,
        status: true,
        rowCount: true,
        durationMs: true,
        scanBytes: true,
        createdAt: true,
        error: true,
        cachedFromId: true,
        savedQueryId: true,
      },
    }),
  );
  const items = rows.slice(0, opts.limit).map(({ cachedFromId, ...r }) => ({ ...r, cached: cachedFromId !== null }));
  return { items, nextCursor: rows.length > opts.limit ? (items.at(-1)?.id ?? null) : null };
}

/**
 * The run once it has left QUEUED/RUNNING, or as it is after `timeoutMs`;
 * wakes on NOTIFY when a listener is given, and polls otherwise.
 */
export async function waitForQueryRun(
  db: Db,
  ctx: TenantCtx,
  id: string,
  timeoutMs: number,
  listener?: NotifyListener | null,
): Promise<QueryRunView> {
  const run = await waitForRow({
    id,
    timeoutMs,
    listener,
    read: () => sqlTenantTx(db, ctx.tenantId, (sql) => readQueryRun(sql, ctx.tenantId, id, ctx.actor.id)),
    settled: (r) => isDone(r.status),
  });
  if (!run) throw notFound("query");
  return run;
}

/**
 * Stops a queued or running query of the tenant. Anyone who may run queries
 * may stop one (a runaway query holds the tenant's job slots); the audit
 * event says who. The row turns CANCELLED here; the worker running it hears
 * the NOTIFY and interrupts DuckDB.
 */
export async function cancelQueryRun(db: Db, ctx: TenantCtx, id: string): Promise<{ status: string }> {
  requirePermission(ctx, "query.run");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const run = await tx.queryRun.findFirst({
      where: { id, tenantId: ctx.tenantId },
      select: { userId: true, status: true },
    });
    if (!run) throw notFound("query");
    if (isDone(run.status)) return { status: run.status };
    await cancelQueryRunRow(tx, id, new Date());
    if (run.status === WORK_STATUS.QUEUED) await removeWaitingJob(tx, jobKeys.query(id));
    await appendAudit(tx, auditFromCtx(ctx, "query.cancel", id, { ranBy: run.userId }));
    await tx.$executeRaw`SELECT pg_notify(${QUERY_CANCEL_CHANNEL}, ${id}), pg_notify(${QUERY_DONE_CHANNEL}, ${id})`;
    return { status: WORK_STATUS.CANCELLED };
  });
}

/** What the SQL editor offers: every dataset a query can see, with its columns. */
export async function findQuerySchema(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "query.read");
  const { datasets } = await tenantTx(db, ctx.tenantId, (tx) => readReaderView(tx, ctx.tenantId, ctx.actor.id));
  return datasets.map((d) => ({
    datasetId: d.datasetId,
    name: d.name,
    version: d.version,
    // Under a row filter the stored count is of rows this reader may not see.
    rowCount: d.access.rowFilters.length ? null : d.rowCount,
    // A masked column is what the reader's view returns: text, except a nullified one.
    columns: d.columns.map((c) => {
      const mask = d.access.masks[c.name];
      return mask && mask !== "nullify" ? { ...c, type: "VARCHAR", masked: mask } : mask ? { ...c, masked: mask } : c;
    }),
  }));
}
