import { randomBytes } from "node:crypto";
import { DomainError } from "./errors";

// Object keys are built here only, from server-made ids, never from anything a
// client sent (file names, paths). An id is lowercase letters and digits, so no
// key can contain "..", "/" or a drive letter it was not given by this module.
const ID = /^[a-z0-9]{8,40}$/;

export function assertId(id: string, what = "id"): string {
  if (!ID.test(id)) throw new DomainError("BAD_REQUEST", `malformed ${what}`);
  return id;
}

/** A fresh id for objects whose id ends up in a storage key or URL. */
export function newId(): string {
  return randomBytes(12).toString("hex");
}

export function tenantPrefix(tenantId: string): string {
  return `tenants/${assertId(tenantId, "tenant id")}/`;
}

export function uploadKey(tenantId: string, uploadId: string): string {
  return `${tenantPrefix(tenantId)}uploads/${assertId(uploadId, "upload id")}`;
}

export function datasetPrefix(tenantId: string, datasetId: string): string {
  return `${tenantPrefix(tenantId)}datasets/${assertId(datasetId, "dataset id")}/`;
}

export function datasetVersionPrefix(tenantId: string, datasetId: string, version: number): string {
  if (!Number.isInteger(version) || version < 1) throw new DomainError("BAD_REQUEST", "malformed version");
  return `${datasetPrefix(tenantId, datasetId)}v${version}/`;
}

/** A stream batch as received (NDJSON or a JSON array; `.gz`/`.zst` when sent compressed). */
export function streamSegmentKey(tenantId: string, datasetId: string, segmentId: string, ext: string): string {
  if (!/^(ndjson|json)(\.gz|\.zst)?$/.test(ext)) throw new DomainError("BAD_REQUEST", "malformed segment extension");
  return `${datasetPrefix(tenantId, datasetId)}segments/${assertId(segmentId, "segment id")}.${ext}`;
}

/** A compacted stream part: Parquet of one or more segments, numbered by the last segment's seq. */
export function streamPartKey(tenantId: string, datasetId: string, partId: string): string {
  return `${datasetVersionPrefix(tenantId, datasetId, 1)}stream-${assertId(partId, "part id")}.parquet`;
}

export function resultKey(tenantId: string, queryRunId: string): string {
  return `${tenantPrefix(tenantId)}results/${assertId(queryRunId, "query id")}.parquet`;
}

export function resultExportKey(tenantId: string, queryRunId: string, format: "csv"): string {
  return `${tenantPrefix(tenantId)}results/${assertId(queryRunId, "query id")}.${format}`;
}

/**
 * Where an archived object lives on local disk: the same path under the
 * tenant's archive/ prefix (S3 archives in place, by storage class).
 */
export function archiveKeyOf(key: string): string {
  const tenantId = tenantOfKey(key);
  if (!tenantId) throw new DomainError("BAD_REQUEST", "not a tenant object key");
  const rest = key.slice(tenantPrefix(tenantId).length);
  if (rest.startsWith("archive/")) throw new DomainError("BAD_REQUEST", "already an archive key");
  return `${tenantPrefix(tenantId)}archive/${rest}`;
}

/** Parses a key back into its tenant; null when the key is not one of ours. */
export function tenantOfKey(key: string): string | null {
  const m = /^tenants\/([a-z0-9]{8,40})\//.exec(key);
  return m ? m[1]! : null;
}
