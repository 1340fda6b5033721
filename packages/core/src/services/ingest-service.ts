import type { Db, Tx } from "../db/client";
import { DomainError, isDomainError } from "../errors";
import { parseIngestOptions, type IngestOptions } from "../ingest-options";
import { SYSTEM_ACTOR } from "../tenant-context";
import type { ColumnProfile } from "../column-profile";
import { appendAudit, jsonSafe } from "./audit-service";
import type { ColumnInfo } from "./dataset-service";
import { INGEST_OUTPUT } from "./ingest-storage";
import { lockTenantJobSlots } from "./quota-service";
import { releaseReservedBytes, settleStoredBytes } from "./stored-bytes";
import { assertIngestAllowance, meterUsage } from "./usage-service";
import { systemTx } from "../db/scoped";
import { exceedsRejectThreshold, rejectPercent } from "../ingest-accounting";
import { isLiveVersionStatus, UNSETTLED_VERSION_STATUSES, VERSION_STATUS } from "../ingest-status";
import { lockVersionsForTransition, makeQueried, transitionVersion } from "./ingest-lifecycle";

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

const json = (v: unknown) => JSON.parse(JSON.stringify(v, jsonSafe)) as object;

/** The READY version an append builds on: the newest one below it, once nothing below is still running. */
async function appendBase(tx: Tx, v: { datasetId: string; version: number }) {
  const below = await tx.datasetVersion.findMany({
    // A version in the trash is no base: its parts may be purged.
    where: { datasetId: v.datasetId, version: { lt: v.version }, trashedAt: null },
    orderBy: { version: "desc" },
  });
  // A version awaiting confirmation may yet become the queried one: an append waits for that answer.
  const running = below.find((b) => (UNSETTLED_VERSION_STATUSES as readonly string[]).includes(b.status));
  if (running) return { blockedBy: running.version } as const;
  const ready = below.find((b) => b.status === VERSION_STATUS.READY);
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

export const SUSPENDED_INGEST_MESSAGE =
  "This workspace is suspended, so the file was not ingested; upload it again once the workspace is active.";

/**
 * Claims a version for the worker: says whether to run, wait (an append
 * whose predecessor is still running) or skip (already settled), refuses a
 * suspended tenant's version, checks the monthly ingest allowance, and marks
 * it INGESTING with a fresh heartbeat.
 */
export async function startIngest(db: Db, versionId: string): Promise<IngestStart> {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUnique({ where: { id: versionId }, include: { dataset: true } });
    if (!v) throw new DomainError("NOT_FOUND", `dataset version ${versionId} not found`);
    if (!isLiveVersionStatus(v.status)) return { state: "skip", status: v.status };
    // Suspended after the upload finished: nothing new becomes READY; the version fails saying why.
    const tenant = await tx.tenant.findUnique({ where: { id: v.tenantId }, select: { status: true } });
    if (tenant?.status === "SUSPENDED") return { state: "refused", message: SUSPENDED_INGEST_MESSAGE };
    const upload = await tx.upload.findFirst({ where: { id: v.uploadId, tenantId: v.tenantId } });
    if (!upload) throw new DomainError("NOT_FOUND", `upload ${v.uploadId} not found`);
    if (v.status === VERSION_STATUS.QUEUED) {
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
    await transitionVersion(tx, v.id, "start", {
      data: { error: null, heartbeatAt: new Date(), baseVersion: base?.version ?? null },
    });
    if (v.dataset.status !== VERSION_STATUS.READY)
      await tx.dataset.update({ where: { id: v.datasetId }, data: { status: VERSION_STATUS.INGESTING } });
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
      where: { id: versionId, status: VERSION_STATUS.INGESTING },
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
  /** Data records the worker counted in the source (checked: = ingestedRows + rejectedRows). */
  recordsRead: bigint;
  /** Over this percent rejected, the version waits for confirmation instead of becoming READY. */
  maxRejectPercent: number;
}

/**
 * READY: the version becomes the one queries see, with its rejects, the
 * month's usage and its audit event, in one transaction. A version that
 * skipped more than its threshold is AWAITING_CONFIRMATION instead: stored
 * and metered, but not queried until someone confirms it. False when the
 * version was cancelled meanwhile (the caller removes what it wrote).
 */
export async function completeIngest(db: Db, versionId: string, r: IngestResult): Promise<boolean> {
  return systemTx(db, async (tx) => {
    await lockVersionsForTransition(tx, [versionId]);
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, include: { dataset: true } });
    if (v.status === VERSION_STATUS.READY || v.status === VERSION_STATUS.AWAITING_CONFIRMATION) return true;
    if (v.status !== VERSION_STATUS.INGESTING) return false;
    // Suspended while the worker converted it: still nothing new becomes READY (the worker fails it).
    const tenant = await tx.tenant.findUnique({ where: { id: v.tenantId }, select: { status: true } });
    if (tenant?.status === "SUSPENDED") throw new DomainError("FORBIDDEN", SUSPENDED_INGEST_MESSAGE);
    await tx.ingestReject.deleteMany({ where: { versionId: v.id } });
    if (r.rejects.length) {
      await tx.ingestReject.createMany({
        data: r.rejects.map((x) => ({ ...x, tenantId: v.tenantId, versionId: v.id })),
      });
    }
    const figures = { read: r.recordsRead, stored: r.ingestedRows, rejected: r.rejectedRows };
    const hold = exceedsRejectThreshold(figures, r.maxRejectPercent);
    const moved = await transitionVersion(tx, v.id, hold ? "hold" : "complete", {
      data: {
        rowCount: r.rowCount,
        ingestedRows: r.ingestedRows,
        rejectedRows: r.rejectedRows,
        recordsRead: r.recordsRead,
        columns: r.columns as object[],
        files: r.files,
        storedBytes: r.storedBytes,
        preview: json(r.preview),
        profile: json(r.profile),
        sha256: r.sha256,
        progress: {},
        finishedAt: new Date(),
        storageReservedBytes: 0n,
        error: hold
          ? `${rejectPercent(figures)}% of the records were skipped, more than the ${r.maxRejectPercent}% allowed: confirm to query this version, or discard it.`
          : null,
      },
      jobError: null,
    });
    if (!moved) return false;
    if (hold) {
      if (v.dataset.readyVersion === null)
        await tx.dataset.update({ where: { id: v.datasetId }, data: { status: VERSION_STATUS.AWAITING_CONFIRMATION } });
    } else await makeQueried(tx, v);
    // The parts were reserved before they were stored (reserveIngestOutput); now they are usage.
    await settleStoredBytes(tx, v.tenantId, {
      reserved: v.storageReservedBytes,
      actual: r.storedBytes,
      what: INGEST_OUTPUT,
    });
    await meterUsage(tx, v.tenantId, [
      { kind: "INGEST_BYTES", amount: v.sourceBytes, ref: v.id },
      { kind: "INGEST_ROWS", amount: r.ingestedRows, ref: v.id },
    ]);
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: hold ? "dataset.awaiting_confirmation" : "dataset.ready",
      target: v.datasetId,
      metadata: {
        version: v.version,
        rows: r.rowCount,
        read: r.recordsRead,
        rejected: r.rejectedRows,
        columns: r.columns.length,
      },
    });
    return true;
  });
}

/** FAILED with a message for people; nothing of the version is left for queries to see. */
export async function failIngest(db: Db, versionId: string, message: string): Promise<void> {
  await systemTx(db, async (tx) => {
    // Locked first, like reserveIngestOutput, so the reservation released below is the one held.
    await lockVersionsForTransition(tx, [versionId]);
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    const moved = await transitionVersion(tx, v.id, "fail", {
      data: { error: message, finishedAt: new Date(), progress: {}, storageReservedBytes: 0n },
      jobError: message,
    });
    if (!moved) return;
    await releaseReservedBytes(tx, v.tenantId, v.storageReservedBytes);
    const ds = await tx.dataset.findUniqueOrThrow({ where: { id: v.datasetId } });
    if (ds.readyVersion === null)
      await tx.dataset.update({ where: { id: ds.id }, data: { status: VERSION_STATUS.FAILED } });
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.failed",
      target: v.datasetId,
      metadata: { version: v.version, error: message },
    });
  });
}
