import type { Db, Tx } from "../db/client";
import { notFound } from "../errors";
import { toDatasetName } from "../sql-check";
import type { TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { tenantTx } from "../db/scoped";

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

/** Dataset + version 1 + its Job row, in the upload's finish transaction. */
export async function createDatasetFromUpload(
  tx: Tx,
  ctx: TenantCtx,
  upload: { id: string; filename: string; sizeBytes: bigint },
): Promise<{ datasetId: string; versionId: string }> {
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

export async function findDatasets(db: Db, ctx: TenantCtx) {
  const rows = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.dataset.findMany({
      where: { tenantId: ctx.tenantId },
      orderBy: { createdAt: "desc" },
      include: { versions: { orderBy: { version: "desc" }, take: 1 } },
    }),
  );
  return rows.map(({ versions, ...d }) => ({ ...d, latest: versions[0] ? versionSummary(versions[0]) : null }));
}

export async function getDatasetById(db: Db, ctx: TenantCtx, datasetId: string) {
  const d = await tenantTx(db, ctx.tenantId, (tx) =>
    tx.dataset.findFirst({
      where: { id: datasetId, tenantId: ctx.tenantId },
      include: { versions: { orderBy: { version: "desc" } } },
    }),
  );
  if (!d) throw notFound("dataset");
  const { versions, ...rest } = d;
  return { ...rest, versions: versions.map(versionSummary), preview: versions[0]?.preview ?? null };
}

function versionSummary(v: {
  id: string;
  version: number;
  status: string;
  rowCount: bigint;
  sourceBytes: bigint;
  storedBytes: bigint;
  columns: unknown;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}) {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    rowCount: v.rowCount,
    sourceBytes: v.sourceBytes,
    storedBytes: v.storedBytes,
    columns: v.columns as ColumnInfo[],
    error: v.error,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
  };
}

/** The READY datasets a query of this tenant may see, with their Parquet files. */
export async function findQueryableDatasets(db: Db, tenantId: string) {
  const rows = await tenantTx(db, tenantId, (tx) =>
    tx.dataset.findMany({
      where: { tenantId, readyVersion: { not: null } },
      include: { versions: { where: { status: "READY" }, orderBy: { version: "desc" }, take: 1 } },
      orderBy: { name: "asc" },
    }),
  );
  return rows.flatMap((d) => {
    const v = d.versions[0];
    return v ? [{ name: d.name, datasetId: d.id, version: v.version, files: v.files as string[] }] : [];
  });
}
