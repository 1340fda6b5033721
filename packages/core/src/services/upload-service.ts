import type { Db } from "../db/client";
import { DomainError, notFound } from "../errors";
import { addJob } from "../jobs";
import { assertId, newId, uploadKey } from "../keys";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { assertAppendTarget, createDatasetFromUpload } from "./dataset-service";
import { commitStorage, releaseStorage, reserveStorage } from "./quota-service";
import { tenantTx } from "../db/scoped";

export const MAX_FILENAME = 255;

export interface NewUpload {
  uploadId: string;
  storageKey: string;
}

/**
 * Registers an upload before any byte is written: checks role and tenant
 * state, reserves the quota atomically and records the object key the
 * server chose. Refusals write nothing.
 */
export async function createUpload(
  db: Db,
  ctx: TenantCtx,
  input: { uploadId?: string; filename: string; sizeBytes: bigint; appendToDatasetId?: string },
): Promise<NewUpload> {
  requirePermission(ctx, "upload.create");
  requireActive(ctx);
  const filename = input.filename.trim().slice(0, MAX_FILENAME) || "upload";
  if (input.sizeBytes <= 0n) throw new DomainError("BAD_REQUEST", "The file is empty.");
  const uploadId = assertId(input.uploadId ?? newId(), "upload id");
  const storageKey = uploadKey(ctx.tenantId, uploadId);
  await tenantTx(db, ctx.tenantId, async (tx) => {
    // Append: the finished upload becomes the next version of this dataset (see dataset-service).
    if (input.appendToDatasetId) await assertAppendTarget(tx, ctx.tenantId, input.appendToDatasetId);
    await reserveStorage(tx, ctx.tenantId, input.sizeBytes);
    await tx.upload.create({
      data: {
        id: uploadId,
        tenantId: ctx.tenantId,
        createdBy: ctx.actor.id,
        filename,
        sizeBytes: input.sizeBytes,
        reservedBytes: input.sizeBytes,
        storageKey,
        datasetId: input.appendToDatasetId ?? null,
      },
    });
    await appendAudit(tx, auditFromCtx(ctx, "upload.create", uploadId, { filename, sizeBytes: input.sizeBytes }));
  });
  return { uploadId, storageKey };
}

/** The upload row if it belongs to this tenant; NOT_FOUND otherwise (never FORBIDDEN). */
export async function getUploadById(db: Db, tenantId: string, uploadId: string) {
  const u = await tenantTx(db, tenantId, (tx) => tx.upload.findFirst({ where: { id: uploadId, tenantId } }));
  if (!u) throw notFound("upload");
  return u;
}

/**
 * The finish transaction: Upload=COMPLETE, quota committed, Dataset and
 * version QUEUED, Job row and the ingest job, all or nothing. Idempotent: a
 * second call returns the dataset made by the first.
 */
export async function finishUpload(
  db: Db,
  ctx: TenantCtx,
  input: { uploadId: string; storedBytes: bigint },
): Promise<{ datasetId: string }> {
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const u = await tx.upload.findFirst({ where: { id: input.uploadId, tenantId: ctx.tenantId } });
    if (!u) throw notFound("upload");
    if (u.status === "COMPLETE" && u.datasetId) return { datasetId: u.datasetId };
    if (u.status !== "CREATED") throw new DomainError("CONFLICT", `Upload is ${u.status.toLowerCase()}.`);
    if (input.storedBytes !== u.sizeBytes) {
      throw new DomainError("BAD_REQUEST", `Upload stored ${input.storedBytes} bytes but declared ${u.sizeBytes}.`);
    }
    const claimed = await tx.upload.updateMany({
      where: { id: u.id, status: "CREATED" },
      data: { status: "COMPLETE", completedAt: new Date() },
    });
    if (claimed.count !== 1) throw new DomainError("CONFLICT", "Upload is being finished by another request.");
    await commitStorage(tx, ctx.tenantId, u.reservedBytes, u.sizeBytes);
    const { datasetId, versionId } = await createDatasetFromUpload(tx, ctx, u);
    await tx.upload.update({ where: { id: u.id }, data: { datasetId } });
    await addJob(tx, "ingest", { datasetVersionId: versionId }, { jobKey: `ingest:${versionId}` });
    await appendAudit(tx, auditFromCtx(ctx, "upload.complete", u.id, { datasetId, sizeBytes: u.sizeBytes }));
    return { datasetId };
  });
}

/** Termination or expiry: the reservation goes back; the row stays for the record. */
export async function abandonUpload(
  db: Db,
  ctx: TenantCtx,
  input: { uploadId: string; status: "TERMINATED" | "EXPIRED" },
): Promise<void> {
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const u = await tx.upload.findFirst({ where: { id: input.uploadId, tenantId: ctx.tenantId } });
    if (!u) throw notFound("upload");
    const n = await tx.upload.updateMany({ where: { id: u.id, status: "CREATED" }, data: { status: input.status } });
    if (n.count !== 1) return;
    await releaseStorage(tx, ctx.tenantId, u.reservedBytes);
    await appendAudit(tx, auditFromCtx(ctx, `upload.${input.status.toLowerCase()}`, u.id));
  });
}
