import type { Db } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { DATASET_NAME } from "../sql-check";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { requireVisibleDataset } from "./reader-access";
import { lockDataset } from "./trash-version";

/**
 * Renames a dataset: queries name it by its new name from now on (saved
 * queries that use the old name stop finding it). A name another live
 * dataset has is refused; a trashed dataset's name is free.
 */
export async function renameDataset(db: Db, ctx: TenantCtx, input: { datasetId: string; name: string }) {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  if (!DATASET_NAME.test(input.name)) {
    throw new DomainError(
      "BAD_REQUEST",
      "A dataset name starts with a letter and has only lowercase letters, digits and _ (at most 63).",
    );
  }
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await lockDataset(tx, ctx.tenantId, input.datasetId);
    if (!d || d.trashedAt) throw notFound("dataset");
    await requireVisibleDataset(tx, ctx, { datasetId: d.id, what: "dataset" });
    if (d.name === input.name) return { id: d.id, name: d.name };
    const taken = await tx.dataset.findFirst({
      where: { tenantId: ctx.tenantId, name: input.name, trashSlot: "" },
      select: { id: true },
    });
    if (taken) throw new DomainError("CONFLICT", `Another dataset is already named "${input.name}".`);
    await tx.dataset.update({ where: { id: d.id }, data: { name: input.name } });
    await appendAudit(tx, auditFromCtx(ctx, "dataset.rename", d.id, { from: d.name, to: input.name }));
    return { id: d.id, name: input.name };
  });
}

/**
 * Rolls back: an earlier (or any other) READY version becomes the one
 * queries see. Newer versions stay in the list; a version that finishes
 * ingesting later still becomes the queried one, as every new version does.
 */
export async function rollbackDataset(db: Db, ctx: TenantCtx, input: { datasetId: string; version: number }) {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await lockDataset(tx, ctx.tenantId, input.datasetId);
    if (!d || d.trashedAt) throw notFound("dataset");
    await requireVisibleDataset(tx, ctx, { datasetId: d.id, what: "dataset" });
    const v = await tx.datasetVersion.findFirst({
      where: { datasetId: d.id, version: input.version, trashedAt: null },
    });
    if (!v) throw notFound("dataset version");
    if (v.status !== "READY") {
      throw new DomainError(
        "CONFLICT",
        `Version ${v.version} is ${v.status.toLowerCase()}; only a ready version can be queried.`,
      );
    }
    if (d.readyVersion === v.version) return { id: d.id, readyVersion: v.version };
    await tx.dataset.update({ where: { id: d.id }, data: { readyVersion: v.version, status: "READY" } });
    await appendAudit(tx, auditFromCtx(ctx, "dataset.rollback", d.id, { from: d.readyVersion, to: v.version }));
    return { id: d.id, readyVersion: v.version };
  });
}
