import type { Db } from "../db/client";
import { DomainError, notFound } from "../errors";
import { ZIngestOptions, type IngestOptions } from "../ingest-options";
import { parseUploadIntake, ZUploadIntake, type UploadIntake } from "../intake-options";
import { assertId, newId, uploadKey } from "../keys";
import type { StorageDriver } from "../storage/storage-driver";
import {
  hasPermission,
  requireActive,
  requirePermission,
  SYSTEM_ACTOR,
  type Access,
  type TenantCtx,
} from "../tenant-context";
import { requireVisibleDataset } from "./reader-access";
import { appendAudit, auditFromCtx } from "./audit-service";
import { assertAppendTarget, createDatasetFromUpload } from "./dataset-service";
import { beginIntake } from "./intake-service";
import { commitStorage, releaseStorage, reserveStorage } from "./quota-service";
import { systemTx, tenantTx } from "../db/scoped";
import { DEFAULT_RETENTION, readRetentionPolicy } from "../retention-policy";

export const MAX_FILENAME = 255;
/**
 * An unfinished upload with no request for this long is abandoned (the default; each tenant's
 * TenantRetention.uploadHours applies in the sweep): its bytes and reservation are released.
 */
export const UPLOAD_IDLE_EXPIRY_MS = DEFAULT_RETENTION.uploadHours * 60 * 60 * 1000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** When an unfinished upload last touched at `lastActivityAt` expires (tus Upload-Expires), under `uploadHours`. */
export function uploadExpiresAt(lastActivityAt: Date, uploadHours = DEFAULT_RETENTION.uploadHours): Date {
  return new Date(lastActivityAt.getTime() + uploadHours * 60 * 60 * 1000);
}

/** How long this tenant keeps an idle unfinished upload (its retention policy), in hours. */
export async function findUploadHours(db: Db, tenantId: string): Promise<number> {
  return (await tenantTx(db, tenantId, (tx) => readRetentionPolicy(tx, tenantId))).uploadHours;
}

/** Reading options sent as upload metadata (JSON text), validated; refusals say which option is wrong. */
export function parseUploadOptions(json: string | null | undefined): IngestOptions | undefined {
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new DomainError("BAD_REQUEST", "Metadata options must be a JSON object.");
  }
  const r = ZIngestOptions.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new DomainError("BAD_REQUEST", `Metadata options: ${i.path.join(".") || "options"}: ${i.message}`);
  }
  return r.data;
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
    /** Reading options for the version this upload becomes (unset: detected, or as the dataset read last). */
    options?: IngestOptions;
    /** Preview first, and what to do with a file the tenant already has (intake-options.ts). */
    intake?: Partial<UploadIntake>;
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
    if (input.appendToDatasetId) {
      // First: a dataset the caller's access policy hides is NOT_FOUND, before any answer about its state.
      await requireVisibleDataset(tx, ctx, { datasetId: input.appendToDatasetId, what: "dataset" });
      await assertAppendTarget(tx, ctx.tenantId, input.appendToDatasetId);
    }
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
        ingestOptions: input.options ? (ZIngestOptions.parse(input.options) as object) : undefined,
        intake: ZUploadIntake.parse(input.intake ?? {}),
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
 * Who may act on an upload after its creation, checked on every request: the
 * permission to upload, and either having started it (the same user or key)
 * or upload.manage (owners and admins, keys with the admin scope as well).
 */
export function requireUploadActor(ctx: TenantCtx, upload: { createdBy: string }, access: Access): void {
  requirePermission(ctx, "upload.create");
  if (upload.createdBy !== ctx.actor.id && !hasPermission(ctx, "upload.manage")) {
    throw new DomainError("FORBIDDEN", "This upload was started by someone else; only they or an admin can change it.");
  }
  if (access === "write") requireActive(ctx);
}

/**
 * touchUpload for a caller: the upload is checked against `ctx`
 * (requireUploadActor) before its activity is marked. NOT_FOUND for another
 * tenant's upload.
 */
export async function touchUploadAs(db: Db, ctx: TenantCtx, uploadId: string, access: Access) {
  const u = await getUploadById(db, ctx.tenantId, uploadId);
  requireUploadActor(ctx, u, access);
  return touchUpload(db, ctx.tenantId, uploadId);
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
    requireUploadActor(ctx, u, "read");
    // Already finished: naming its dataset again changes nothing. Finishing starts an ingest: a write.
    if (u.status === "COMPLETE" && u.datasetId) return { datasetId: u.datasetId };
    requireActive(ctx);
    if (u.status !== "CREATED") throw new DomainError("CONFLICT", `Upload is ${u.status.toLowerCase()}.`);
    // An append checked at creation is checked again: the policy may hide the dataset by now.
    if (u.datasetId) await requireVisibleDataset(tx, ctx, { datasetId: u.datasetId, what: "dataset" });
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
    // The ingest job, or first the inspect step (preview to review, duplicate check).
    await beginIntake(
      tx,
      { id: versionId, tenantId: ctx.tenantId, datasetId },
      parseUploadIntake(u.intake),
      !!u.datasetId,
    );
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
 * its tenant's `uploadHours` (TenantRetention; `idleMs` overrides it for
 * every tenant) becomes EXPIRED, gives its reservation back and loses its
 * bytes. Uploads whose tus lease is live are skipped, and the status change
 * re-checks the idle time, so a request that arrives meanwhile wins.
 */
export async function expireIdleUploads(
  db: Db,
  storage: StorageDriver,
  opts: { now?: Date; idleMs?: number; limit?: number } = {},
): Promise<{ expired: number; releasedBytes: bigint }> {
  const now = opts.now ?? new Date();
  const fixedMs = opts.idleMs ?? null;
  const stale = await systemTx(
    db,
    (tx) => tx.$queryRaw<{ id: string; tenantId: string; storageKey: string; idleMs: number }[]>`
      SELECT u."id", u."tenantId", u."storageKey", idle."ms"::float8 AS "idleMs" FROM "Upload" u
        LEFT JOIN "TenantRetention" p ON p."tenantId" = u."tenantId"
        CROSS JOIN LATERAL (SELECT COALESCE(${fixedMs}::bigint,
          COALESCE(p."uploadHours", ${DEFAULT_RETENTION.uploadHours}::int)::bigint * 3600000) AS ms) idle
       WHERE u."status" = 'CREATED' AND u."lastActivityAt" + make_interval(secs => idle.ms / 1000.0) < ${now}
         AND NOT EXISTS (SELECT 1 FROM "UploadLease" l WHERE l."key" = u."storageKey" AND l."expiresAt" > now())
       ORDER BY u."lastActivityAt" LIMIT ${opts.limit ?? 500}`,
  );
  let expired = 0;
  let releasedBytes = 0n;
  for (const s of stale) {
    const cutoff = new Date(now.getTime() - s.idleMs);
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
