import type { Db, Tx } from "../db/client";
import { systemTx } from "../db/scoped";
import { tenantPrefix } from "../keys";
import { appendAudit } from "../services/audit-service";
import { abortUnfinishedUpload, findUnfinishedUploads } from "../storage/s3-multipart";
import { rawStorage } from "../storage/encrypted-storage";
import type { S3Storage } from "../storage/s3-storage";
import type { StorageDriver, StoredObject } from "../storage/storage-driver";
import { SYSTEM_ACTOR } from "../tenant-context";
import type { TenantFinding } from "./reconcile-report";
import { readTenantRefs, type TenantRefs } from "./tenant-refs";

/** Sub-prefixes whose objects only this codebase writes; anything else under a tenant is reported, never removed. */
const KNOWN = ["uploads/", "datasets/", "results/", "archive/"];
const KEYS_SHOWN = 50;

export interface ReconcileOpts {
  db: Db;
  storage: StorageDriver;
  tenant: { id: string; slug: string };
  graceMs: number;
  reportId: string;
  now?: Date;
}

/**
 * One tenant: list its objects, then, holding its quota row, compare the
 * counters with the rows and the objects, correct drift (audited), and
 * finally remove orphans older than the grace period (audited).
 *
 * The in-flight rule: an object no committed row names is an orphan only
 * once it is older than the grace period. Work that writes objects before
 * its row commits (an upload receiving bytes, an ingest writing parts, a
 * query or export writing its result) names its key or prefix in a live row
 * from the start, holds a reservation for the bytes, and finishes well within
 * the grace period; the listing happens before the rows are read, so a row
 * committed after the listing still protects its objects.
 */
export async function reconcileTenant(o: ReconcileOpts): Promise<TenantFinding> {
  const now = o.now ?? new Date();
  const listed = new Map<string, StoredObject>();
  for await (const obj of o.storage.list(tenantPrefix(o.tenant.id))) listed.set(obj.key, obj);
  const { finding, refs } = await systemTx(o.db, (tx) => correctCounters(tx, o, listed));
  const orphans = [...listed.values()].filter((obj) => isOrphan(obj.key, refs, o.tenant.id));
  const old = orphans.filter((obj) => (obj.modifiedAt?.getTime() ?? now.getTime()) < now.getTime() - o.graceMs);
  finding.orphansKept = orphans.length - old.length;
  for (const obj of old) await o.storage.delete(obj.key);
  if (o.storage.kind === "s3") finding.uploadsAborted = await abortStaleUploads(o, refs, now);
  const bytes = old.reduce((n, obj) => n + BigInt(obj.size), 0n);
  finding.orphansRemoved = {
    count: old.length,
    bytes: bytes.toString(),
    keys: old.slice(0, KEYS_SHOWN).map((x) => x.key),
  };
  if (old.length || finding.uploadsAborted) {
    await systemTx(o.db, (tx) =>
      appendAudit(tx, {
        tenantId: o.tenant.id,
        actor: SYSTEM_ACTOR,
        action: "storage.orphans_removed",
        metadata: {
          reportId: o.reportId,
          count: old.length,
          bytes,
          keys: finding.orphansRemoved.keys,
          uploadsAborted: finding.uploadsAborted,
        },
      }),
    );
  }
  return finding;
}

/** Unfinished S3 multipart uploads under the tenant that no row names, older than the grace period. */
async function abortStaleUploads(o: ReconcileOpts, refs: TenantRefs, now: Date): Promise<number> {
  const s3 = rawStorage(o.storage) as S3Storage;
  let n = 0;
  for await (const u of findUnfinishedUploads(s3, tenantPrefix(o.tenant.id))) {
    const old = (u.initiated?.getTime() ?? now.getTime()) < now.getTime() - o.graceMs;
    if (!old || !isOrphan(u.key, refs, o.tenant.id)) continue;
    await abortUnfinishedUpload(s3, u);
    n++;
  }
  return n;
}

function isOrphan(key: string, refs: TenantRefs, tenantId: string): boolean {
  if (refs.keys.has(key) || refs.prefixes.some((p) => key.startsWith(p))) return false;
  const rest = key.slice(tenantPrefix(tenantId).length);
  return KNOWN.some((k) => rest.startsWith(k));
}

/** Under the quota row lock: counters before and after, and corrections audited with both figures. */
async function correctCounters(tx: Tx, o: ReconcileOpts, listed: Map<string, StoredObject>) {
  const [q] = await tx.$queryRaw<{ used: bigint; reserved: bigint }[]>`
    SELECT "storageBytesUsed" AS used, "storageBytesReserved" AS reserved
      FROM "TenantQuota" WHERE "tenantId" = ${o.tenant.id} FOR UPDATE`;
  const refs = await readTenantRefs(tx, o.tenant.id, o.storage.kind);
  const missing: string[] = [];
  let expectedUsed = 0n;
  for (const key of refs.counted) {
    // Not listed: written after the listing began (its row committed since), or gone.
    const obj = listed.get(key) ?? (await o.storage.stat(key));
    if (obj) expectedUsed += BigInt(obj.size);
    else missing.push(key);
  }
  const used = q?.used ?? 0n;
  const reserved = q?.reserved ?? 0n;
  const skipped = !q
    ? "no quota row"
    : (refs.busy ?? (missing.length ? "referenced objects are missing: counter left for the operator" : null));
  const newUsed = skipped ? used : expectedUsed;
  const newReserved = q && refs.liveJobs === 0 ? refs.uploadReservations : reserved;
  await writeCorrection(tx, o, { counter: "storageBytesUsed", before: used, after: newUsed });
  await writeCorrection(tx, o, { counter: "storageBytesReserved", before: reserved, after: newReserved });
  const finding: TenantFinding = {
    tenantId: o.tenant.id,
    slug: o.tenant.slug,
    objects: listed.size,
    bytes: [...listed.values()].reduce((n, x) => n + BigInt(x.size), 0n).toString(),
    used: { before: used.toString(), after: newUsed.toString() },
    reserved: { before: reserved.toString(), after: newReserved.toString() },
    orphansRemoved: { count: 0, bytes: "0", keys: [] },
    orphansKept: 0,
    uploadsAborted: 0,
    missing: missing.slice(0, KEYS_SHOWN),
    skipped,
    error: null,
  };
  return { finding, refs };
}

async function writeCorrection(
  tx: Tx,
  o: ReconcileOpts,
  c: { counter: "storageBytesUsed" | "storageBytesReserved"; before: bigint; after: bigint },
) {
  if (c.before === c.after) return;
  if (c.counter === "storageBytesUsed") {
    await tx.tenantQuota.update({ where: { tenantId: o.tenant.id }, data: { storageBytesUsed: c.after } });
  } else {
    await tx.tenantQuota.update({ where: { tenantId: o.tenant.id }, data: { storageBytesReserved: c.after } });
  }
  await appendAudit(tx, {
    tenantId: o.tenant.id,
    actor: SYSTEM_ACTOR,
    action: "storage.reconcile",
    target: c.counter,
    metadata: { reportId: o.reportId, counter: c.counter, before: c.before, after: c.after, drift: c.before - c.after },
  });
}
