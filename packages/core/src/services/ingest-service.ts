import type { Db, Tx } from "../db/client";
import { DomainError, isDomainError } from "../errors";
import { parseIngestOptions, type IngestOptions } from "../ingest-options";
import { SYSTEM_ACTOR } from "../tenant-context";
import type { ColumnProfile } from "../column-profile";
import { appendAudit, jsonSafe } from "./audit-service";
import type { ColumnInfo } from "./dataset-service";
import { adjustStorageUsed, lockTenantJobSlots } from "./quota-service";
import { assertIngestAllowance, meterUsage } from "./usage-service";
import { systemTx } from "../db/scoped";

export interface IngestBase {
  version: number;
  files: string[];
  columns: ColumnInfo[];
  rowCount: bigint;
}

export type IngestStart =
  | { state: "skip"; status: string }
  | { state: "wait"; blockedBy: number }
  | { state: "busy"; running: number }
  | { state: "refused"; message: string }
  | {
      state: "run";
      version: {
        id: string;
        tenantId: string;
        datasetId: string;
        version: number;
        sourceBytes: bigint;
        append: boolean;
      };
      upload: { storageKey: string; filename: string; sizeBytes: bigint; expectedSha256: string | null };
      options: IngestOptions;
      base: IngestBase | null;
    };

const LIVE = ["QUEUED", "INGESTING"] as const;
const json = (v: unknown) => JSON.parse(JSON.stringify(v, jsonSafe)) as object;

/** The READY version an append builds on: the newest one below it, once nothing below is still running. */
async function appendBase(tx: Tx, v: { datasetId: string; version: number }) {
  const below = await tx.datasetVersion.findMany({
    where: { datasetId: v.datasetId, version: { lt: v.version } },
    orderBy: { version: "desc" },
  });
  const running = below.find((b) => (LIVE as readonly string[]).includes(b.status));
  if (running) return { blockedBy: running.version } as const;
  const ready = below.find((b) => b.status === "READY");
  return {
    base: ready
      ? {
          version: ready.version,
          files: ready.files as string[],
          columns: ready.columns as unknown as ColumnInfo[],
          rowCount: ready.rowCount,
        }
      : null,
  } as const;
}

/**
 * The tenant's running jobs when they already fill its concurrent-jobs quota
 * (so this ingest waits its turn), else null. Serialised per tenant with the
 * query path (lockTenantJobSlots).
 */
async function runningJobsOver(tx: Tx, tenantId: string, versionId: string): Promise<number | null> {
  await lockTenantJobSlots(tx, tenantId);
  const q = await tx.tenantQuota.findUnique({ where: { tenantId }, select: { concurrentJobsLimit: true } });
  const running = await tx.job.count({ where: { tenantId, status: "RUNNING", targetId: { not: versionId } } });
  return q && running >= q.concurrentJobsLimit ? running : null;
}

/**
 * Claims a version for the worker: says whether to run, wait (an append
 * whose predecessor is still running) or skip (already settled), checks the
 * monthly ingest allowance, and marks it INGESTING with a fresh heartbeat.
 */
export async function startIngest(db: Db, versionId: string): Promise<IngestStart> {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUnique({ where: { id: versionId }, include: { dataset: true } });
    if (!v) throw new DomainError("NOT_FOUND", `dataset version ${versionId} not found`);
    if (!(LIVE as readonly string[]).includes(v.status)) return { state: "skip", status: v.status };
    const upload = await tx.upload.findFirst({ where: { id: v.uploadId, tenantId: v.tenantId } });
    if (!upload) throw new DomainError("NOT_FOUND", `upload ${v.uploadId} not found`);
    if (v.status === "QUEUED") {
      const running = await runningJobsOver(tx, v.tenantId, v.id);
      if (running !== null) return { state: "busy", running };
    }
    let base: IngestBase | null = null;
    if (v.append) {
      const b = await appendBase(tx, v);
      if ("blockedBy" in b) return { state: "wait", blockedBy: b.blockedBy! };
      base = b.base;
    }
    try {
      await assertIngestAllowance(tx, v.tenantId, v.sourceBytes);
    } catch (e) {
      if (isDomainError(e) && e.code === "QUOTA_EXCEEDED") return { state: "refused", message: e.message };
      throw e;
    }
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: { status: "INGESTING", error: null, heartbeatAt: new Date(), baseVersion: base?.version ?? null },
    });
    if (v.dataset.status !== "READY")
      await tx.dataset.update({ where: { id: v.datasetId }, data: { status: "INGESTING" } });
    await tx.job.updateMany({
      where: { targetId: v.id, kind: "ingest" },
      data: { status: "RUNNING", startedAt: new Date() },
    });
    return {
      state: "run",
      version: v,
      upload: {
        storageKey: upload.storageKey,
        filename: upload.filename,
        sizeBytes: upload.sizeBytes,
        expectedSha256: upload.expectedSha256,
      },
      options: parseIngestOptions(v.options),
      base,
    };
  });
}

/** The schema preview: what the source is and holds, saved before the long conversion starts. */
export async function saveDetected(db: Db, versionId: string, detected: Record<string, unknown>): Promise<void> {
  await systemTx(db, (tx) =>
    tx.datasetVersion.update({ where: { id: versionId }, data: { detected: json(detected) } }),
  );
}

export interface IngestProgress {
  phase: "reading" | "converting" | "profiling" | "storing";
  bytesRead: number;
  totalBytes: number;
  rows: number;
  percent: number;
  etaSeconds: number | null;
}

/**
 * Live progress and the heartbeat in one write. False when the version is
 * no longer INGESTING (cancelled from the UI): the worker stops.
 */
export async function reportProgress(db: Db, versionId: string, p: IngestProgress): Promise<boolean> {
  const n = await systemTx(db, (tx) =>
    tx.datasetVersion.updateMany({
      where: { id: versionId, status: "INGESTING" },
      data: { progress: json(p), heartbeatAt: new Date() },
    }),
  );
  return n.count === 1;
}

export interface IngestReject {
  line: bigint | null;
  column: string | null;
  kind: string;
  reason: string;
  raw: string | null;
}

export interface IngestResult {
  rowCount: bigint;
  ingestedRows: bigint;
  columns: ColumnInfo[];
  files: string[];
  /** Bytes of the parts this version wrote (an append's base parts are counted by their own version). */
  storedBytes: bigint;
  preview: Record<string, unknown>[];
  profile: ColumnProfile[];
  sha256: string;
  rejectedRows: bigint;
  rejects: IngestReject[];
}

/**
 * READY: the version becomes the one queries see, with its rejects, the
 * month's usage and its audit event, in one transaction. False when the
 * version was cancelled meanwhile (the caller removes what it wrote).
 */
export async function completeIngest(db: Db, versionId: string, r: IngestResult): Promise<boolean> {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, include: { dataset: true } });
    if (v.status === "READY") return true;
    if (v.status !== "INGESTING") return false;
    await tx.ingestReject.deleteMany({ where: { versionId: v.id } });
    if (r.rejects.length) {
      await tx.ingestReject.createMany({
        data: r.rejects.map((x) => ({ ...x, tenantId: v.tenantId, versionId: v.id })),
      });
    }
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: {
        status: "READY",
        rowCount: r.rowCount,
        ingestedRows: r.ingestedRows,
        rejectedRows: r.rejectedRows,
        columns: r.columns as object[],
        files: r.files,
        storedBytes: r.storedBytes,
        preview: json(r.preview),
        profile: json(r.profile),
        sha256: r.sha256,
        progress: {},
        finishedAt: new Date(),
      },
    });
    const newer = v.dataset.readyVersion === null || v.version > v.dataset.readyVersion;
    await tx.dataset.update({
      where: { id: v.datasetId },
      data: newer ? { status: "READY", readyVersion: v.version } : { status: "READY" },
    });
    await tx.job.updateMany({
      where: { targetId: v.id, kind: "ingest" },
      data: { status: "SUCCEEDED", finishedAt: new Date(), error: null },
    });
    await adjustStorageUsed(tx, v.tenantId, r.storedBytes);
    await meterUsage(tx, v.tenantId, [
      { kind: "INGEST_BYTES", amount: v.sourceBytes, ref: v.id },
      { kind: "INGEST_ROWS", amount: r.ingestedRows, ref: v.id },
    ]);
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.ready",
      target: v.datasetId,
      metadata: { version: v.version, rows: r.rowCount, rejected: r.rejectedRows, columns: r.columns.length },
    });
    return true;
  });
}

/** FAILED with a message for people; nothing of the version is left for queries to see. */
export async function failIngest(db: Db, versionId: string, message: string): Promise<void> {
  await systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    if (!(LIVE as readonly string[]).includes(v.status)) return;
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: { status: "FAILED", error: message, finishedAt: new Date(), progress: {} },
    });
    const ds = await tx.dataset.findUniqueOrThrow({ where: { id: v.datasetId } });
    if (ds.readyVersion === null) await tx.dataset.update({ where: { id: ds.id }, data: { status: "FAILED" } });
    await tx.job.updateMany({
      where: { targetId: v.id, kind: "ingest" },
      data: { status: "FAILED", finishedAt: new Date(), error: message },
    });
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.failed",
      target: v.datasetId,
      metadata: { version: v.version, error: message },
    });
  });
}
