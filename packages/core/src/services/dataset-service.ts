import type { ColumnProfile } from "../column-profile";
import type { Db, Tx } from "../db/client";
import { parseIngestOptions } from "../ingest-options";
import { notFound } from "../errors";
import { jobKeys, readLanePositions } from "../job-lanes";
import { toDatasetName } from "../sql-check";
import type { TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { tenantTx } from "../db/scoped";
import type { IngestProgress } from "./ingest-service";

export interface ColumnInfo {
  name: string;
  type: string;
}

/** A name not yet used in this tenant: "sales", then "sales_2", "sales_3", ... */
async function freeDatasetName(tx: Tx, tenantId: string, wanted: string): Promise<string> {
  const taken = new Set(
    (
      await tx.dataset.findMany({
        where: { tenantId, name: { startsWith: wanted } },
        select: { name: true },
      })
    ).map((d) => d.name),
  );
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted}_${i}`)) return `${wanted}_${i}`;
}

/**
 * The upload's finish transaction: a new Dataset with version 1, or, when
 * the upload was made to append (Upload.datasetId set at creation), the next
 * version of that dataset, reading the new file as the dataset's latest
 * version did. Either way with its Job row.
 */
export async function createDatasetFromUpload(
  tx: Tx,
  ctx: TenantCtx,
  upload: { id: string; filename: string; sizeBytes: bigint; datasetId?: string | null },
): Promise<{ datasetId: string; versionId: string }> {
  if (upload.datasetId) return appendVersion(tx, ctx, { ...upload, datasetId: upload.datasetId });
  const name = await freeDatasetName(tx, ctx.tenantId, toDatasetName(upload.filename));
  const ds = await tx.dataset.create({
    data: { tenantId: ctx.tenantId, name, createdBy: ctx.actor.id, status: "QUEUED" },
  });
  const v = await tx.datasetVersion.create({
    data: { tenantId: ctx.tenantId, datasetId: ds.id, version: 1, uploadId: upload.id, sourceBytes: upload.sizeBytes },
  });
  await tx.job.create({
    data: { tenantId: ctx.tenantId, kind: "ingest", targetId: v.id, createdBy: ctx.actor.id },
  });
  await appendAudit(tx, auditFromCtx(ctx, "dataset.create", ds.id, { name, uploadId: upload.id }));
  return { datasetId: ds.id, versionId: v.id };
}

/** Refuses (NOT_FOUND) an append to anything but a dataset of the caller's own tenant. */
export async function assertAppendTarget(tx: Tx, tenantId: string, datasetId: string): Promise<void> {
  const ds = await tx.dataset.findFirst({ where: { id: datasetId, tenantId }, select: { id: true } });
  if (!ds) throw notFound("dataset");
}

/** The dataset's next version with its Job row; options default to those of the latest version. */
export async function createNextVersion(
  tx: Tx,
  ctx: TenantCtx,
  datasetId: string,
  input: { uploadId: string; sourceBytes: bigint; append: boolean; options?: object },
) {
  const latest = await tx.datasetVersion.findFirst({
    where: { datasetId, tenantId: ctx.tenantId },
    orderBy: { version: "desc" },
  });
  const v = await tx.datasetVersion.create({
    data: {
      tenantId: ctx.tenantId,
      datasetId,
      version: (latest?.version ?? 0) + 1,
      uploadId: input.uploadId,
      sourceBytes: input.sourceBytes,
      append: input.append,
      options: input.options ?? ((latest?.options ?? {}) as object),
    },
  });
  await tx.job.create({ data: { tenantId: ctx.tenantId, kind: "ingest", targetId: v.id, createdBy: ctx.actor.id } });
  return v;
}

async function appendVersion(
  tx: Tx,
  ctx: TenantCtx,
  upload: { id: string; sizeBytes: bigint; datasetId: string },
): Promise<{ datasetId: string; versionId: string }> {
  await assertAppendTarget(tx, ctx.tenantId, upload.datasetId);
  const v = await createNextVersion(tx, ctx, upload.datasetId, {
    uploadId: upload.id,
    sourceBytes: upload.sizeBytes,
    append: true,
  });
  await appendAudit(
    tx,
    auditFromCtx(ctx, "dataset.append", upload.datasetId, { version: v.version, uploadId: upload.id }),
  );
  return { datasetId: upload.datasetId, versionId: v.id };
}

/** The tenant's datasets, each with its newest version and the one queries see. */
export async function findDatasets(db: Db, ctx: TenantCtx) {
  const rows = await tenantTx(db, ctx.tenantId, async (tx) => {
    const ds = await tx.dataset.findMany({
      where: { tenantId: ctx.tenantId },
      orderBy: { createdAt: "desc" },
      include: { versions: { orderBy: { version: "desc" }, take: 1 } },
    });
    const ready = await tx.datasetVersion.findMany({
      where: {
        tenantId: ctx.tenantId,
        OR: ds.filter((d) => d.readyVersion !== null).map((d) => ({ datasetId: d.id, version: d.readyVersion! })),
      },
    });
    return ds.map((d) => ({ ...d, ready: ready.find((v) => v.datasetId === d.id) ?? null }));
  });
  return rows.map(({ versions, ready, ...d }) => ({
    ...d,
    latest: versions[0] ? versionSummary(versions[0]) : null,
    current: ready ? versionSummary(ready) : versions[0] ? versionSummary(versions[0]) : null,
  }));
}

export async function getDatasetById(db: Db, ctx: TenantCtx, datasetId: string) {
  const found = await tenantTx(db, ctx.tenantId, async (tx) => {
    const d = await tx.dataset.findFirst({
      where: { id: datasetId, tenantId: ctx.tenantId },
      include: { versions: { orderBy: { version: "desc" } } },
    });
    const queued = (d?.versions ?? []).filter((v) => v.status === "QUEUED").map((v) => jobKeys.ingest(v.id));
    return d && { d, lanes: await readLanePositions(tx, queued) };
  });
  if (!found) throw notFound("dataset");
  const { d, lanes } = found;
  const { versions: rows, ...rest } = d;
  // A QUEUED version's place in its tenant lane (1 = next); null when not waiting there.
  const versions = rows.map((v) => ({ ...v, queuePosition: lanes.get(jobKeys.ingest(v.id)) || null }));
  // What queries see (the READY version), or the newest attempt while there is none yet.
  const current = versions.find((v) => v.version === d.readyVersion) ?? versions[0];
  return {
    ...rest,
    versions: versions.map(versionSummary),
    preview: current?.preview ?? null,
    current: current
      ? {
          ...versionSummary(current),
          profile: current.profile as unknown as ColumnProfile[],
          detected: current.detected as Record<string, unknown>,
        }
      : null,
    latestDetected: (versions[0]?.detected ?? {}) as Record<string, unknown>,
  };
}

function versionSummary(v: {
  id: string;
  version: number;
  status: string;
  rowCount: bigint;
  ingestedRows: bigint;
  rejectedRows: bigint;
  sourceBytes: bigint;
  storedBytes: bigint;
  columns: unknown;
  options: unknown;
  append: boolean;
  baseVersion: number | null;
  progress: unknown;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  queuePosition?: number | null;
}) {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    rowCount: v.rowCount,
    ingestedRows: v.ingestedRows,
    rejectedRows: v.rejectedRows,
    sourceBytes: v.sourceBytes,
    storedBytes: v.storedBytes,
    columns: v.columns as ColumnInfo[],
    options: parseIngestOptions(v.options),
    append: v.append,
    baseVersion: v.baseVersion,
    progress: v.progress as Partial<IngestProgress>,
    error: v.error,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
    queuePosition: v.queuePosition ?? null,
  };
}
