import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { SYSTEM_ACTOR } from "../tenant-context";
import { appendAudit, jsonSafe } from "./audit-service";
import type { ColumnInfo } from "./dataset-service";
import { adjustStorageUsed } from "./quota-service";
import { systemTx } from "../db/scoped";

/** Everything the ingest task needs to know about its version, and marks it INGESTING. */
export async function startIngest(db: Db, versionId: string) {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUnique({ where: { id: versionId }, include: { dataset: true } });
    if (!v) throw new DomainError("NOT_FOUND", `dataset version ${versionId} not found`);
    const upload = await tx.upload.findFirst({ where: { id: v.uploadId, tenantId: v.tenantId } });
    if (!upload) throw new DomainError("NOT_FOUND", `upload ${v.uploadId} not found`);
    if (v.status === "QUEUED" || v.status === "INGESTING") {
      await tx.datasetVersion.update({ where: { id: v.id }, data: { status: "INGESTING", error: null } });
      if (v.dataset.status !== "READY") {
        await tx.dataset.update({ where: { id: v.datasetId }, data: { status: "INGESTING" } });
      }
      await tx.job.updateMany({
        where: { targetId: v.id, kind: "ingest" },
        data: { status: "RUNNING", startedAt: new Date() },
      });
    }
    return { version: v, dataset: v.dataset, upload };
  });
}

export interface IngestResult {
  rowCount: bigint;
  columns: ColumnInfo[];
  files: string[];
  storedBytes: bigint;
  preview: Record<string, unknown>[];
  sha256: string;
}

/** READY: the version becomes the one queries see, in one transaction with its audit event. */
export async function completeIngest(db: Db, versionId: string, r: IngestResult): Promise<void> {
  await systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    if (v.status === "READY") return;
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: {
        status: "READY",
        rowCount: r.rowCount,
        columns: r.columns as object[],
        files: r.files,
        storedBytes: r.storedBytes,
        preview: JSON.parse(JSON.stringify(r.preview, jsonSafe)) as object[],
        sha256: r.sha256,
        finishedAt: new Date(),
      },
    });
    await tx.dataset.update({ where: { id: v.datasetId }, data: { status: "READY", readyVersion: v.version } });
    await tx.job.updateMany({
      where: { targetId: v.id, kind: "ingest" },
      data: { status: "SUCCEEDED", finishedAt: new Date(), error: null },
    });
    await adjustStorageUsed(tx, v.tenantId, r.storedBytes);
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.ready",
      target: v.datasetId,
      metadata: { version: v.version, rows: r.rowCount, columns: r.columns.length, storedBytes: r.storedBytes },
    });
  });
}

/** FAILED with a message for people; nothing of the version is left for queries to see. */
export async function failIngest(db: Db, versionId: string, message: string): Promise<void> {
  await systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    if (v.status === "READY") return;
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: { status: "FAILED", error: message, finishedAt: new Date() },
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
