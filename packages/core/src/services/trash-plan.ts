import type { Tx } from "../db/client";
import type { TrashObject } from "../lifecycle/deletion-lifecycle";
import type { StorageDriver } from "../storage/storage-driver";

/** What a purge may remove: Parquet part keys and upload keys no other live or trashed version reads. */
export interface TrashCandidates {
  parts: string[];
  uploads: string[];
}

const IN_FLIGHT = new Set(["QUEUED", "INGESTING"]);
const filesOf = (v: { files: unknown } | undefined) => (v ? (v.files as string[]) : []);

/**
 * The objects an item's purge removes. Parts are shared between an append
 * and its base (the append's `files` lists the base's keys), so a key stays
 * while any version outside the purge lists it — live or still in the trash
 * — and while a running append builds on a version being purged. Versions
 * another purge already tombstoned (or finished) are that purge's business.
 */
export async function planCandidates(
  tx: Tx,
  item: { id: string; datasetId: string; version: number | null },
): Promise<TrashCandidates> {
  // Purged versions keep their rows (so a version number, and with it an object key, is never
  // used twice: the worker's cache trusts a key's bytes never change); they list nothing any more.
  const sweeping = await tx.trashItem.findMany({
    where: { datasetId: item.datasetId, status: { in: ["PURGING", "PURGED"] }, id: { not: item.id } },
    select: { version: true },
  });
  // The whole dataset is being purged: that sweep removes this version's objects.
  if (item.version !== null && sweeping.some((s) => s.version === null)) return { parts: [], uploads: [] };
  const covered = new Set(sweeping.map((s) => s.version));
  const versions = await tx.datasetVersion.findMany({
    where: { datasetId: item.datasetId },
    select: { version: true, files: true, uploadId: true, status: true, baseVersion: true },
  });
  const inScope = (v: { version: number }) =>
    item.version === null ? !covered.has(v.version) : v.version === item.version;
  const scope = versions.filter(inScope);
  const rest = versions.filter((v) => !inScope(v) && !covered.has(v.version));
  const keep = new Set(rest.flatMap(filesOf));
  for (const v of rest) {
    if (IN_FLIGHT.has(v.status) && v.baseVersion !== null)
      for (const k of filesOf(versions.find((b) => b.version === v.baseVersion))) keep.add(k);
  }
  const parts = [...new Set(scope.flatMap(filesOf))].filter((k) => !keep.has(k));
  const restUploads = new Set(rest.map((v) => v.uploadId));
  const mine = [...new Set(scope.map((v) => v.uploadId))].filter((u) => !restUploads.has(u));
  const readElsewhere = await tx.datasetVersion.findMany({
    where: { uploadId: { in: mine }, datasetId: { not: item.datasetId } },
    select: { uploadId: true },
  });
  const shared = new Set(readElsewhere.map((v) => v.uploadId));
  const uploads = await tx.upload.findMany({
    where: { id: { in: mine.filter((u) => !shared.has(u)) } },
    select: { storageKey: true },
  });
  return { parts, uploads: uploads.map((u) => u.storageKey) };
}

/**
 * Sizes of the candidates as storage has them (one listing per version
 * directory, one stat per upload); objects already gone are left out, so the
 * quota given back is exactly what the sweep removes.
 */
export async function sizeCandidates(storage: StorageDriver, c: TrashCandidates): Promise<Map<string, TrashObject>> {
  const out = new Map<string, TrashObject>();
  const wanted = new Set(c.parts);
  const dirs = new Set(c.parts.map((k) => k.slice(0, k.lastIndexOf("/") + 1)));
  for (const dir of dirs) {
    for await (const o of storage.list(dir)) {
      if (wanted.has(o.key)) out.set(o.key, { key: o.key, size: o.size, kind: "part" });
    }
  }
  for (const key of c.uploads) {
    const s = await storage.stat(key);
    if (s) out.set(key, { key, size: s.size, kind: "upload" });
  }
  return out;
}
