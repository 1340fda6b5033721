import { ARCHIVE_STATUS, MOVING } from "../archive-lifecycle";
import type { Tx } from "../db/client";
import { archiveKeyOf, datasetVersionPrefix, resultExportKey, resultKey } from "../keys";
import type { StorageDriver } from "../storage/storage-driver";
import { archivedLocation } from "../tiering/archive-objects";

/**
 * What one tenant's rows say its objects should be. Read under the quota
 * row lock, so no commit that adds to the counter slips between the rows
 * read here and the counter compared with them.
 */
export interface TenantRefs {
  /** Objects whose bytes storageBytesUsed counts: committed rows only. */
  counted: Set<string>;
  /** Objects a row names (counted ones included): never orphans. */
  keys: Set<string>;
  /** Prefixes of in-flight work and of tus uploads' companion objects: never orphans. */
  prefixes: string[];
  /** Why the counter is not corrected this time (objects are moving between tiers), or null. */
  busy: string | null;
  /** Jobs QUEUED or RUNNING: any of them may hold a reservation, so reservations are left alone. */
  liveJobs: number;
  /** Reservations of unfinished uploads: what storageBytesReserved is when no job runs. */
  uploadReservations: bigint;
}

const LIVE_INGEST = new Set(["QUEUED", "INGESTING"]);

export async function readTenantRefs(tx: Tx, tenantId: string, kind: StorageDriver["kind"]): Promise<TenantRefs> {
  const refs: TenantRefs = {
    counted: new Set(),
    keys: new Set(),
    prefixes: [],
    busy: null,
    liveJobs: 0,
    uploadReservations: 0n,
  };
  await readUploads(tx, tenantId, refs);
  await readVersions(tx, tenantId, kind, refs);
  await readResults(tx, tenantId, refs);
  await readStreamSegments(tx, tenantId, refs);
  refs.liveJobs = await tx.job.count({ where: { tenantId, status: { in: ["QUEUED", "RUNNING"] } } });
  for (const k of refs.counted) refs.keys.add(k);
  return refs;
}

/** An unfinished upload is in flight (its reservation covers it); a finished one counts its file. */
async function readUploads(tx: Tx, tenantId: string, refs: TenantRefs) {
  const uploads = await tx.upload.findMany({
    where: { tenantId, status: { in: ["CREATED", "COMPLETE"] } },
    select: { storageKey: true, status: true, reservedBytes: true },
  });
  for (const u of uploads) {
    refs.prefixes.push(u.storageKey); // tus keeps .info/.json beside the file
    if (u.status === "COMPLETE") refs.counted.add(u.storageKey);
    else refs.uploadReservations += u.reservedBytes;
  }
}

/** Parquet parts: a version being ingested owns its whole prefix; a committed one counts its files. */
async function readVersions(tx: Tx, tenantId: string, kind: StorageDriver["kind"], refs: TenantRefs) {
  const versions = await tx.datasetVersion.findMany({
    where: { tenantId },
    select: { datasetId: true, version: true, status: true, files: true, dataset: { select: { archiveStatus: true } } },
  });
  for (const v of versions) {
    const files = (v.files as string[] | null) ?? [];
    if (LIVE_INGEST.has(v.status)) {
      refs.prefixes.push(datasetVersionPrefix(tenantId, v.datasetId, v.version));
      continue;
    }
    const tier = v.dataset.archiveStatus;
    if ((MOVING as readonly string[]).includes(tier)) refs.busy = "a dataset is moving between storage tiers";
    for (const f of files) {
      refs.keys.add(f);
      if (kind === "local") refs.keys.add(archiveKeyOf(f));
      if (tier === ARCHIVE_STATUS.WARM) refs.counted.add(f);
      else if (tier === ARCHIVE_STATUS.ARCHIVED) refs.counted.add(archivedLocation(kind, f));
    }
  }
}

/** Stored results (cache hits share their source's key: counted once) and exports; running ones are in flight. */
async function readResults(tx: Tx, tenantId: string, refs: TenantRefs) {
  const runs = await tx.queryRun.findMany({
    where: { tenantId, OR: [{ resultKey: { not: null } }, { status: { in: ["QUEUED", "RUNNING"] } }] },
    select: { id: true, status: true, resultKey: true },
  });
  for (const r of runs) {
    if (r.status === "QUEUED" || r.status === "RUNNING") refs.keys.add(resultKey(tenantId, r.id));
    if (r.resultKey && r.status === "SUCCEEDED") refs.counted.add(r.resultKey);
    else if (r.resultKey) refs.keys.add(r.resultKey);
  }
  const exports = await tx.queryExport.findMany({
    where: { tenantId },
    select: { queryRunId: true, status: true, objectKey: true },
  });
  for (const e of exports) {
    if (e.status === "QUEUED" || e.status === "RUNNING") refs.keys.add(resultExportKey(tenantId, e.queryRunId, "csv"));
    if (e.objectKey && e.status === "SUCCEEDED") refs.counted.add(e.objectKey);
    else if (e.objectKey) refs.keys.add(e.objectKey);
  }
}

/**
 * Stream segments: a pending one counts its bytes; a compacted one's bytes moved
 * to its part, but the object stays a grace period for queries in flight.
 */
async function readStreamSegments(tx: Tx, tenantId: string, refs: TenantRefs) {
  const segs = await tx.streamSegment.findMany({
    where: { tenantId, objectDeletedAt: null },
    select: { key: true, status: true },
  });
  for (const s of segs) {
    if (s.status === "PENDING") refs.counted.add(s.key);
    else refs.keys.add(s.key);
  }
}
