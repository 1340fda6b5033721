import type { Db } from "../db/client";
import { notFound } from "../errors";
import { addJob } from "../jobs";
import { checkSqlText } from "../sql-check";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { assertJobSlot } from "./quota-service";
import { tenantTx } from "../db/scoped";

/** Records the query and enqueues it for the sandbox, in one transaction. */
export async function createQueryRun(db: Db, ctx: TenantCtx, input: { sql: string }): Promise<{ id: string }> {
  requirePermission(ctx, "query.run");
  requireActive(ctx);
  const sql = checkSqlText(input.sql);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    await assertJobSlot(tx, ctx.tenantId);
    const run = await tx.queryRun.create({ data: { tenantId: ctx.tenantId, userId: ctx.actor.id, sql } });
    await tx.job.create({
      data: { tenantId: ctx.tenantId, kind: "query", targetId: run.id, createdBy: ctx.actor.id },
    });
    await addJob(tx, "query", { queryRunId: run.id }, { jobKey: `query:${run.id}`, maxAttempts: 1, priority: -10 });
    await appendAudit(tx, auditFromCtx(ctx, "query.run", run.id, { sql: sql.slice(0, 2000) }));
    return { id: run.id };
  });
}

export async function getQueryRunById(db: Db, ctx: TenantCtx, id: string) {
  const run = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.queryRun.findFirst({ where: { id, tenantId: ctx.tenantId } }),
  );
  if (!run) throw notFound("query");
  return run;
}

export async function findQueryRuns(db: Db, ctx: TenantCtx, opts: { limit: number }) {
  return tenantTx(db, ctx.tenantId, (tx) =>
    tx.queryRun.findMany({
      where: { tenantId: ctx.tenantId, userId: ctx.actor.id },
      orderBy: { createdAt: "desc" },
      take: opts.limit,
      select: { id: true, sql: true, status: true, rowCount: true, durationMs: true, createdAt: true, error: true },
    }),
  );
}

const DONE = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Waits until a query run leaves QUEUED/RUNNING or `timeoutMs` passes. */
export async function waitForQueryRun(db: Db, ctx: TenantCtx, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (Date.now() < deadline) {
    const r = await tenantTx(db, ctx.tenantId, (tx) =>
      tx.queryRun.findFirst({ where: { id, tenantId: ctx.tenantId }, select: { status: true } }),
    );
    if (!r || DONE.has(r.status)) return;
    await new Promise((res) => setTimeout(res, Math.min(delay, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
}
