import type { Db } from "../db/client";
import { DomainError, notFound } from "../errors";
import { jobKeys } from "../job-lanes";
import { addJob } from "../jobs";
import { assertId, newId, uploadKey } from "../keys";
import type { StorageDriver } from "../storage/storage-driver";
import { requireActive, requirePermission, SYSTEM_ACTOR, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { assertAppendTarget, createDatasetFromUpload } from "./dataset-service";
import { commitStorage, releaseStorage, reserveStorage } from "./quota-service";
import { systemTx, tenantTx } from "../db/scoped";

export const MAX_FILENAME = 255;
/** An unfinished upload with no request for this long is abandoned: its bytes and reservation are released. */
export const UPLOAD_IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** When an unfinished upload last touched at `lastActivityAt` expires (tus Upload-Expires). */
export function uploadExpiresAt(lastActivityAt: Date): Date {
  return new Date(lastActivityAt.getTime() + UPLOAD_IDLE_EXPIRY_MS);
}

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
  input: {
    uploadId?: string;
    filename: string;
    sizeBytes: bigint;
    expectedSha256?: string | null;
    appendToDatasetId?: string;
  },
): Promise<NewUpload> {
  requirePermission(ctx, "upload.create");
  requireActive(ctx);
  const filename = input.filename.trim().slice(0, MAX_FILENAME) || "upload";
  if (input.sizeBytes <= 0n) throw new DomainError("BAD_REQUEST", "The file is empty.");
  const expectedSha256 = input.expectedSha256?.trim().toLowerCase() || null;
  if (expectedSha256 && !SHA256_HEX.test(expectedSha256)) {
    throw new DomainError("BAD_REQUEST", "Metadata sha256 must be 64 hexadecimal digits.");
  }
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
        expectedSha256,
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
 * The upload row for a request on it (PATCH, HEAD, DELETE), marking the
 * activity that keeps an unfinished upload from expiring. NOT_FOUND for
 * another tenant's upload.
 */
export async function touchUpload(db: Db, tenantId: string, uploadId: string) {
  return tenantTx(db, tenantId, async (tx) => {
    const n = await tx.upload.updateMany({
      where: { id: uploadId, tenantId, status: "CREATED" },
      data: { lastActivityAt: new Date() },
    });
    const u = await tx.upload.findFirst({ where: { id: uploadId, tenantId } });
    if (!u) throw notFound("upload");
    return { ...u, touched: n.count === 1 };
  });
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
    const jobOpts = { jobKey: jobKeys.ingest(versionId), tenantId: ctx.tenantId };
    await addJob(tx, "ingest", { datasetVersionId: versionId }, jobOpts);
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

/**
 * The expiry sweep (worker cron): every unfinished upload idle longer than
 * `idleMs` becomes EXPIRED, gives its reservation back and loses its bytes.
 * Uploads whose tus lease is live are skipped, and the status change
 * re-checks the idle time, so a request that arrives meanwhile wins.
 */
export async function expireIdleUploads(
  db: Db,
  storage: StorageDriver,
  opts: { now?: Date; idleMs?: number; limit?: number } = {},
): Promise<{ expired: number; releasedBytes: bigint }> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.idleMs ?? UPLOAD_IDLE_EXPIRY_MS));
  const stale = await systemTx(
    db,
    (tx) => tx.$queryRaw<{ id: string; tenantId: string; storageKey: string }[]>`
      SELECT u."id", u."tenantId", u."storageKey" FROM "Upload" u
       WHERE u."status" = 'CREATED' AND u."lastActivityAt" < ${cutoff}
         AND NOT EXISTS (SELECT 1 FROM "UploadLease" l WHERE l."key" = u."storageKey" AND l."expiresAt" > now())
       ORDER BY u."lastActivityAt" LIMIT ${opts.limit ?? 500}`,
  );
  let expired = 0;
  let releasedBytes = 0n;
  for (const s of stale) {
    const released = await tenantTx(db, s.tenantId, async (tx) => {
      const u = await tx.upload.findFirst({ where: { id: s.id, tenantId: s.tenantId } });
      const n = await tx.upload.updateMany({
        where: { id: s.id, status: "CREATED", lastActivityAt: { lt: cutoff } },
        data: { status: "EXPIRED" },
      });
      if (!u || n.count !== 1) return null;
      await releaseStorage(tx, s.tenantId, u.reservedBytes);
      await appendAudit(tx, {
        tenantId: s.tenantId,
        actor: SYSTEM_ACTOR,
        action: "upload.expired",
        target: u.id,
        metadata: { sizeBytes: u.sizeBytes, idleSince: u.lastActivityAt.toISOString() },
      });
      return u.reservedBytes;
    });
    if (released === null) continue;
    // The key is a prefix of the tus store's side objects (.json, .info, .part), which go too.
    await storage.deletePrefix(s.storageKey);
    expired++;
    releasedBytes += released;
  }
  return { expired, releasedBytes };
}
