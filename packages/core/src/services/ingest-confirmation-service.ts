import type { Db } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { VERSION_STATUS } from "../ingest-status";
import { addJob } from "../jobs";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { lockVersionsForTransition, makeQueried, transitionVersion } from "./ingest-lifecycle";
import { requireVisibleDataset } from "./reader-access";

type Decision = "confirm" | "discard";

/** The version, in the caller's tenant and awaiting confirmation, locked for the decision. */
async function awaitingVersion(tx: Parameters<Parameters<typeof tenantTx>[2]>[0], ctx: TenantCtx, versionId: string) {
  const v = await tx.datasetVersion.findFirst({
    where: { id: versionId, tenantId: ctx.tenantId },
    include: { dataset: true },
  });
  if (!v) throw notFound("dataset version");
  await requireVisibleDataset(tx, ctx, { datasetId: v.datasetId, what: "dataset version" });
  if (v.status !== VERSION_STATUS.AWAITING_CONFIRMATION) {
    throw new DomainError("CONFLICT", `Version ${v.version} is ${v.status.toLowerCase()}, not awaiting confirmation.`);
  }
  return v;
}

/**
 * A person's answer to a version that skipped more rows than its threshold:
 * confirm makes it READY and (if newest) the queried version; discard
 * cancels it and has the worker remove its parts. Audited either way.
 */
export async function decideAwaitingVersion(
  db: Db,
  ctx: TenantCtx,
  input: { versionId: string; decision: Decision },
): Promise<{ status: string }> {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    // Dataset, then version, as a delete and the worker's last step lock them (the status read next is current).
    await lockVersionsForTransition(tx, [input.versionId]);
    const v = await awaitingVersion(tx, ctx, input.versionId);
    const confirm = input.decision === "confirm";
    const moved = await transitionVersion(tx, v.id, confirm ? "confirm" : "discard", {
      tenantId: ctx.tenantId,
      data: { error: confirm ? null : "Discarded after review: too many rows were skipped." },
    });
    if (!moved) throw new DomainError("CONFLICT", `Version ${v.version} was decided meanwhile.`);
    if (confirm) await makeQueried(tx, v);
    else {
      if (v.dataset.readyVersion === null)
        await tx.dataset.update({ where: { id: v.datasetId }, data: { status: VERSION_STATUS.CANCELLED } });
      await addJob(tx, "discard-version", { datasetVersionId: v.id }, { jobKey: `discard-version:${v.id}` });
    }
    await appendAudit(
      tx,
      auditFromCtx(ctx, confirm ? "dataset.confirm" : "dataset.discard", v.datasetId, {
        version: v.version,
        read: v.recordsRead,
        rejected: v.rejectedRows,
      }),
    );
    return { status: confirm ? VERSION_STATUS.READY : VERSION_STATUS.CANCELLED };
  });
}
