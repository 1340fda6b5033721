import type { Db } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { checkEventTimeColumn } from "../stream/event-time";
import type { StreamColumn } from "../stream/stream-sql";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { requireVisibleDataset } from "./reader-access";
import { lockDataset } from "./trash-version";

/**
 * Sets (or, with null, clears) the event-time column of a streaming dataset:
 * compactions and merges from now on write parts sorted by it. Parts already
 * written keep their order until a merge rewrites them. Audited with the
 * values before and after.
 */
export async function setStreamEventTime(
  db: Db,
  ctx: TenantCtx,
  input: { datasetId: string; column: string | null },
): Promise<{ id: string; eventTimeColumn: string | null }> {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await lockDataset(tx, ctx.tenantId, input.datasetId);
    if (!d || d.trashedAt) throw notFound("dataset");
    await requireVisibleDataset(tx, ctx, { datasetId: d.id, what: "dataset" });
    const row = await tx.dataset.findUniqueOrThrow({
      where: { id: d.id },
      select: {
        streaming: true,
        eventTimeColumn: true,
        versions: { where: { version: 1 }, select: { columns: true } },
      },
    });
    if (!row.streaming) {
      throw new DomainError("CONFLICT", `eventTimeColumn: dataset "${d.name}" is not a streaming dataset.`);
    }
    if (input.column !== null) {
      checkEventTimeColumn((row.versions[0]?.columns ?? []) as unknown as StreamColumn[], input.column, d.name);
    }
    if (row.eventTimeColumn === input.column) return { id: d.id, eventTimeColumn: input.column };
    await tx.dataset.update({ where: { id: d.id }, data: { eventTimeColumn: input.column } });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "dataset.stream_event_time", d.id, { from: row.eventTimeColumn, to: input.column }),
    );
    return { id: d.id, eventTimeColumn: input.column };
  });
}
