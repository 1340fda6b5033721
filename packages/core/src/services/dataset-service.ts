import type { ColumnProfile } from "../column-profile";
import type { Db, Tx } from "../db/client";
import { parseIngestOptions } from "../ingest-options";
import { DomainError, notFound } from "../errors";
import { jobKeys } from "../job-lanes";
import { toDatasetName } from "../sql-check";
import type { TenantCtx } from "../tenant-context";
import { accessFor, fitAccess, type DatasetAccess } from "../access/effective-access";
import { maskPreviewRows, maskProfile } from "../access/mask-values";
import { OPEN_POLICY, parseStoredPolicy } from "../access/policy";
import { sqlTenantReadMany } from "../db/sql";
import type { Dataset as DatasetRow } from "../db/generated/browser";
import { principalFromRow, principalSql, readMaskingSecret, type PrincipalRow } from "./access-read";
import { appendAudit, auditFromCtx } from "./audit-service";
import { isHiddenFrom } from "./reader-access";
import { tenantTx } from "../db/scoped";
import type { IngestProgress } from "./ingest-service";
import { assertWarm } from "../tiering/queryable";

export interface ColumnInfo {
  name: string;
  type: string;
}

/** A name no live dataset of this tenant has: "sales", then "sales_2", "sales_3", ... (trashed names are free). */
export async function freeDatasetName(tx: Tx, tenantId: string, wanted: string): Promise<string> {
  const taken = new Set(
    (
      await tx.dataset.findMany({
        where: { tenantId, name: { startsWith: wanted }, trashSlot: "" },
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
  upload: { id: string; filename: string; sizeBytes: bigint; datasetId?: string | null; ingestOptions?: unknown },
): Promise<{ datasetId: string; versionId: string }> {
  if (upload.datasetId) return appendVersion(tx, ctx, { ...upload, datasetId: upload.datasetId });
  const name = await freeDatasetName(tx, ctx.tenantId, toDatasetName(upload.filename));
  const ds = await tx.dataset.create({
    data: { tenantId: ctx.tenantId, name, createdBy: ctx.actor.id, status: "QUEUED" },
  });
  const v = await tx.datasetVersion.create({
    data: {
      tenantId: ctx.tenantId,
      datasetId: ds.id,
      version: 1,
      uploadId: upload.id,
      sourceBytes: upload.sizeBytes,
      options: (upload.ingestOptions ?? {}) as object,
    },
  });
  await tx.job.create({
    data: { tenantId: ctx.tenantId, kind: "ingest", targetId: v.id, createdBy: ctx.actor.id },
  });
  await appendAudit(tx, auditFromCtx(ctx, "dataset.create", ds.id, { name, uploadId: upload.id }));
  return { datasetId: ds.id, versionId: v.id };
}

/** Refuses (NOT_FOUND) an append to anything but a dataset of the caller's own tenant. */
export async function assertAppendTarget(tx: Tx, tenantId: string, datasetId: string): Promise<void> {
  const ds = await tx.dataset.findFirst({
    where: { id: datasetId, tenantId, trashedAt: null },
    select: { id: true, streaming: true },
  });
  if (!ds) throw notFound("dataset");
  refuseStream(ds.streaming);
  await assertWarm(tx, datasetId);
}

/** A stream grows by events only: a file version would hide its parts from queries. */
function refuseStream(streaming: boolean | undefined): void {
  if (streaming) {
    throw new DomainError("CONFLICT", "This dataset is an event stream: send its data to POST /api/events.");
  }
}

/** The dataset's next version with its Job row; options default to those of the latest version. */
export async function createNextVersion(
  tx: Tx,
  ctx: TenantCtx,
  datasetId: string,
  input: { uploadId: string; sourceBytes: bigint; append: boolean; options?: object; readingOptions?: unknown },
) {
  const ds = await tx.dataset.findFirst({ where: { id: datasetId }, select: { streaming: true } });
  refuseStream(ds?.streaming);
  await assertWarm(tx, datasetId);
  const latest = await tx.datasetVersion.findFirst({
    where: { datasetId, tenantId: ctx.tenantId },
    orderBy: { version: "desc" },
  });
  // Reading options chosen for an appended file apply over how the dataset was read (its column overrides stay).
  const { columns: _columns, ...reading } = (input.readingOptions ?? {}) as { columns?: unknown };
  const inherited = { ...((latest?.options ?? {}) as object), ...reading };
  const v = await tx.datasetVersion.create({
    data: {
      tenantId: ctx.tenantId,
      datasetId,
      version: (latest?.version ?? 0) + 1,
      uploadId: input.uploadId,
      sourceBytes: input.sourceBytes,
      append: input.append,
      options: input.options ?? inherited,
    },
  });
  await tx.job.create({ data: { tenantId: ctx.tenantId, kind: "ingest", targetId: v.id, createdBy: ctx.actor.id } });
  return v;
}

async function appendVersion(
  tx: Tx,
  ctx: TenantCtx,
  upload: { id: string; sizeBytes: bigint; datasetId: string; ingestOptions?: unknown },
): Promise<{ datasetId: string; versionId: string }> {
  await assertAppendTarget(tx, ctx.tenantId, upload.datasetId);
  const v = await createNextVersion(tx, ctx, upload.datasetId, {
    uploadId: upload.id,
    sourceBytes: upload.sizeBytes,
    append: true,
    readingOptions: upload.ingestOptions ?? undefined,
  });
  await appendAudit(
    tx,
    auditFromCtx(ctx, "dataset.append", upload.datasetId, { version: v.version, uploadId: upload.id }),
  );
  return { datasetId: upload.datasetId, versionId: v.id };
}

/** The tenant's datasets the reader may see, each with its newest version and the one queries see. */
export async function findDatasets(db: Db, ctx: TenantCtx) {
  return (await findDatasetPage(db, ctx, {})).items;
}

/** %, _ and \ match themselves in a search, not as LIKE wildcards. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The DatasetVersion columns a list shows (versionSummary): never preview, profile or files. */
const SUMMARY_COLUMNS = [
  "id",
  "version",
  "status",
  "rowCount",
  "ingestedRows",
  "rejectedRows",
  "recordsRead",
  "sourceBytes",
  "storedBytes",
  "columns",
  "options",
  "append",
  "baseVersion",
  "progress",
  "error",
  "createdAt",
  "finishedAt",
] as const;
type VersionRow = Parameters<typeof versionSummary>[0];

const pickVersion = (alias: string, prefix: string) =>
  SUMMARY_COLUMNS.map((c) => `${alias}."${c}"${c === "status" ? "::text" : ""} AS "${prefix}${c}"`).join(", ");

/** A version's summary columns from a row where they carry `prefix`, or null when the join found none. */
function prefixedVersion(row: Record<string, unknown>, prefix: string): VersionRow | null {
  if (row[`${prefix}id`] === null) return null;
  const v: Record<string, unknown> = {};
  for (const c of SUMMARY_COLUMNS) v[c] = row[`${prefix}${c}`];
  return v as unknown as VersionRow;
}

/** The tenant's policies and the reader (read for managers too: a row filter can name them). */
function accessStatements(ctx: TenantCtx, lit: (v: string) => string): string[] {
  const t = lit(ctx.tenantId);
  return [
    `SELECT "datasetId", policy FROM "DatasetPolicy" WHERE "tenantId" = ${t}`,
    principalSql(t, lit(ctx.actor.id)),
  ];
}

/**
 * Live datasets newest first, optionally only those whose name contains
 * `search` (case-insensitive), a page at a time, with the count of all matches.
 * One round trip (db/sql.ts): the datasets with their newest and ready
 * versions' summary columns (never previews or profiles), the tenant's
 * policies and the reader, read together and filtered here.
 */
export async function findDatasetPage(
  db: Db,
  ctx: TenantCtx,
  page: { search?: string; offset?: number; limit?: number },
) {
  const search = page.search?.trim();
  const [rows, policyRows, principalRows] = await sqlTenantReadMany<
    [({ id: string } & Record<string, unknown>)[], { datasetId: string; policy: unknown }[], PrincipalRow[]]
  >(db, ctx.tenantId, (lit) => [
    `SELECT d.*, ${pickVersion("l", "l_")}, ${pickVersion("r", "r_")}
       FROM "Dataset" d
       LEFT JOIN LATERAL (
         SELECT ${SUMMARY_COLUMNS.map((c) => `v."${c}"`).join(", ")} FROM "DatasetVersion" v
          WHERE v."datasetId" = d.id AND v."trashedAt" IS NULL ORDER BY v.version DESC LIMIT 1) l ON true
       LEFT JOIN "DatasetVersion" r
         ON r."tenantId" = d."tenantId" AND r."datasetId" = d.id AND r.version = d."readyVersion"
      WHERE d."tenantId" = ${lit(ctx.tenantId)} AND d."trashedAt" IS NULL
        ${search ? `AND d.name ILIKE ${lit(`%${likeEscape(search)}%`)}` : ""}
      ORDER BY d."createdAt" DESC, d.id ASC`,
    ...accessStatements(ctx, lit),
  ]);
  // A restricted dataset is listed only to those it allows, and to those who manage access. It is
  // left out before the page is cut, so neither a page nor the count reveals it.
  const visible = withAccess(ctx, rows, policyRows, principalRows[0]);
  const offset = page.offset ?? 0;
  const pageRows = visible.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  const items = pageRows.map(({ row, access }) => {
    const countsHidden = countsHiddenBy(access);
    const d: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith("l_") && !k.startsWith("r_")) d[k] = v;
    const latest = prefixedVersion(row, "l_");
    const ready = prefixedVersion(row, "r_");
    return {
      ...(d as unknown as DatasetRow),
      countsHidden,
      latest: latest ? versionSummary(latest, countsHidden) : null,
      current: ready ? versionSummary(ready, countsHidden) : latest ? versionSummary(latest, countsHidden) : null,
    };
  });
  return { items, total: visible.length };
}

/**
 * One dataset with all its versions, as this reader may see it. One round
 * trip (db/sql.ts): the dataset, its versions, its policy, the reader, the
 * tenant's masking secret and the queued versions' places in their lanes.
 */
export async function getDatasetById(db: Db, ctx: TenantCtx, datasetId: string) {
  const [[d], versionRows, [policyRow], [principalRow], [secretRow], laneRows] = await sqlTenantReadMany<
    [
      (DatasetRow & Record<string, unknown>)[],
      FullVersionRow[],
      { policy: unknown }[],
      PrincipalRow[],
      { secret: string }[],
      { job_key: string; pos: number }[],
    ]
  >(db, ctx.tenantId, (lit) => {
    const [t, id] = [lit(ctx.tenantId), lit(datasetId)];
    const versions = `FROM "DatasetVersion" v WHERE v."tenantId" = ${t} AND v."datasetId" = ${id} AND v."trashedAt" IS NULL
        AND EXISTS (SELECT 1 FROM "Dataset" d WHERE d.id = ${id} AND d."tenantId" = ${t} AND d."trashedAt" IS NULL)`;
    return [
      `SELECT d.* FROM "Dataset" d WHERE d.id = ${id} AND d."tenantId" = ${t} AND d."trashedAt" IS NULL`,
      `SELECT ${pickVersion("v", "")}, v.preview, v.profile, v.detected ${versions} ORDER BY v.version DESC`,
      `SELECT policy FROM "DatasetPolicy" WHERE "tenantId" = ${t} AND "datasetId" = ${id}`,
      principalSql(t, lit(ctx.actor.id)),
      `SELECT secret FROM "MaskingKey" WHERE "tenantId" = ${t}`,
      `SELECT job_key, pos FROM si_job_lane_positions(ARRAY(
         SELECT ${lit(jobKeys.ingest(""))} || v.id ${versions} AND v.status = 'QUEUED'))`,
    ];
  });
  if (!d) throw notFound("dataset");
  const ready = versionRows.find((v) => v.version === d.readyVersion) ?? versionRows[0];
  const columns = ((ready?.columns ?? []) as unknown as ColumnInfo[]).map((c) => c.name);
  const policy = policyRow ? parseStoredPolicy(policyRow.policy) : OPEN_POLICY;
  const access = fitAccess(accessFor(policy, principalFromRow(principalRow)), columns);
  if (isHiddenFrom(ctx, access)) throw notFound("dataset");
  const hashed = Object.values(access.masks).includes("hash");
  // The secret is made on first use, a write: only then a transaction of its own.
  const secret = !hashed
    ? ""
    : (secretRow?.secret ?? (await tenantTx(db, ctx.tenantId, (tx) => readMaskingSecret(tx, ctx.tenantId))));
  const lanes = new Map(laneRows.map((r) => [r.job_key, Number(r.pos)]));
  // A QUEUED version's place in its tenant lane (1 = next); null when not waiting there.
  const versions = versionRows.map((v) => ({ ...v, queuePosition: lanes.get(jobKeys.ingest(v.id)) || null }));
  // What queries see (the READY version), or the newest attempt while there is none yet.
  const current = versions.find((v) => v.version === d.readyVersion) ?? versions[0];
  const countsHidden = countsHiddenBy(access);
  return {
    ...d,
    /** Row counts, ingest progress rows and profile counts are null for this reader (a row filter applies). */
    countsHidden,
    versions: versions.map((v) => versionSummary(v, countsHidden)),
    // First rows and profiles as this reader may see them (masked; hidden under a row filter or when not allowed).
    access,
    preview: current ? (access.visible ? maskPreviewRows(current.preview, access, secret) : []) : null,
    current: current
      ? {
          ...versionSummary(current, countsHidden),
          profile: (current.profile as unknown as ColumnProfile[]).map((p) =>
            maskProfile(p, access.visible ? access : { ...access, rowFilters: ["(not allowed)"] }),
          ),
          detected: current.detected as Record<string, unknown>,
        }
      : null,
    latestDetected: (versions[0]?.detected ?? {}) as Record<string, unknown>,
  };
}

type FullVersionRow = VersionRow & { preview: unknown; profile: unknown; detected: unknown };

/**
 * Each dataset with this reader's access to it, those it may not see left out
 * (kept, with their access, for those who manage access: they see everything,
 * but counts under their own row filter stay hidden).
 */
function withAccess<T extends { id: string }>(
  ctx: TenantCtx,
  ds: T[],
  policyRows: { datasetId: string; policy: unknown }[],
  principalRow: PrincipalRow | undefined,
): { row: T; access: DatasetAccess }[] {
  if (!policyRows.length) return ds.map((row) => ({ row, access: OPEN_ACCESS }));
  const policies = new Map(policyRows.map((r) => [r.datasetId, parseStoredPolicy(r.policy)]));
  const principal = principalFromRow(principalRow);
  return ds
    .map((row) => ({ row, access: accessFor(policies.get(row.id) ?? OPEN_POLICY, principal) }))
    .filter(({ access }) => !isHiddenFrom(ctx, access));
}

const OPEN_ACCESS: DatasetAccess = { visible: true, masks: {}, rowFilters: [] };

/** Under a row filter (or on a dataset shown only to manage it) stored counts are of rows this reader may not see. */
const countsHiddenBy = (a: DatasetAccess) => !a.visible || a.rowFilters.length > 0;

function versionSummary(
  v: {
    id: string;
    version: number;
    status: string;
    rowCount: bigint;
    ingestedRows: bigint;
    rejectedRows: bigint;
    recordsRead: bigint | null;
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
  },
  countsHidden = false,
) {
  const count = (n: bigint): bigint | null => (countsHidden ? null : n);
  const progress = v.progress as Partial<IngestProgress>;
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    rowCount: count(v.rowCount),
    ingestedRows: count(v.ingestedRows),
    rejectedRows: count(v.rejectedRows),
    recordsRead: countsHidden ? null : v.recordsRead,
    sourceBytes: v.sourceBytes,
    storedBytes: v.storedBytes,
    columns: v.columns as ColumnInfo[],
    options: parseIngestOptions(v.options),
    append: v.append,
    baseVersion: v.baseVersion,
    progress: countsHidden ? { ...progress, rows: undefined } : progress,
    error: v.error,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
    queuePosition: v.queuePosition ?? null,
  };
}
