import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { tenantPrefix } from "../keys";
import { appendAudit } from "../services/audit-service";
import { KEY_ROTATION_STATUS } from "../services/key-rotation-service";
import type { EncryptedStorage } from "../storage/encrypted-storage";
import type { StorageDriver } from "../storage/storage-driver";
import { SYSTEM_ACTOR } from "../tenant-context";
import { sealStateKey } from "./sealed-append";
import { HEADER_BYTES, MAGIC } from "./sealed-format";
import { KEY_CACHE_MS } from "./tenant-keyring";

/** tus companions (kept as stored, or sealed under their upload's header) and a driver's half-written temp files. */
const SIDE = /\.(json|info|part|seal)$|\.tmp-[0-9a-f]+$/;
const UPLOAD = /\/uploads\/[a-z0-9]+$/;

export interface ReencryptOpts {
  db: Db;
  storage: EncryptedStorage;
  rotationId: string;
  /** Where decrypted copies wait between read and re-seal; removed object by object. */
  scratchDir: string;
  /** Runs after each re-sealed object (tests stop the job here to show a crash resumes). */
  afterObject?: (key: string) => void | Promise<void>;
}

export type ReencryptResult =
  | { status: "DONE"; retiredVersions: number[] }
  | { status: "WAITING"; retryAt: Date; uploadsWaiting: number }
  | { status: "GONE" };

/** The key version in an object's header, or null for an object that is not sealed. */
export async function keyVersionOf(raw: StorageDriver, key: string): Promise<number | null> {
  const src = await raw.get(key);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of src) {
      parts.push(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n >= HEADER_BYTES) break;
    }
  } finally {
    src.destroy();
  }
  const head = Buffer.concat(parts, n);
  return head.length >= HEADER_BYTES && head.subarray(0, 4).equals(MAGIC) ? head.readUInt32BE(8) : null;
}

/** Decrypts to scratch, then seals again under the tenant's current key; false if the object went meanwhile. */
async function reseal(storage: EncryptedStorage, key: string, scratchDir: string): Promise<boolean> {
  const tmp = path.join(scratchDir, randomBytes(8).toString("hex"));
  try {
    await pipeline(await storage.get(key), fs.createWriteStream(tmp));
    // An object deleted while it was read (a dataset purged) must not come back.
    if (!(await storage.raw.stat(key))) return false;
    await storage.put(key, fs.createReadStream(tmp), { sizeBytes: (await fsp.stat(tmp)).size });
    return true;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

async function setProgress(
  db: Db,
  id: string,
  data: { objectsTotal?: number; objectsDone?: number; uploadsWaiting?: number },
) {
  await systemTx(db, (tx) => tx.tenantKeyRotation.update({ where: { id }, data }));
}

/** One pass over the tenant's objects: re-seals what an older key sealed; counts unfinished uploads it must wait for. */
async function resealPass(o: ReencryptOpts, tenantId: string, toVersion: number) {
  const keys: string[] = [];
  for await (const obj of o.storage.raw.list(tenantPrefix(tenantId))) if (!SIDE.test(obj.key)) keys.push(obj.key);
  await setProgress(o.db, o.rotationId, { objectsTotal: keys.length, objectsDone: 0 });
  let done = 0;
  let resealed = 0;
  let waiting = 0;
  for (const key of keys) {
    // An object gone since the listing is skipped; any other read failure fails the job (it is retried).
    const v = await keyVersionOf(o.storage.raw, key).catch(async (e: unknown) => {
      if (await o.storage.raw.stat(key)) throw e;
      return null;
    });
    if (v !== null && v < toVersion) {
      if (UPLOAD.test(key) && (await o.storage.raw.stat(sealStateKey(key)))) {
        waiting++;
        continue;
      }
      if (await reseal(o.storage, key, o.scratchDir)) resealed++;
      await o.afterObject?.(key);
    }
    await setProgress(o.db, o.rotationId, { objectsDone: ++done });
  }
  return { resealed, waiting };
}

/**
 * The re-encrypt job's work for one rotation, safe to run again at any point:
 * makes the new key version (if not yet), re-seals every object still under
 * an older one (each write replaces the object whole, so a crash leaves it
 * under the old key or the new, both readable), and once a pass finds nothing
 * left, no upload in flight under an old key, and every process has seen the
 * new version (the keyring cache), deletes the older key versions.
 */
export async function reencryptTenant(o: ReencryptOpts): Promise<ReencryptResult> {
  const rotation = await systemTx(o.db, (tx) => tx.tenantKeyRotation.findUnique({ where: { id: o.rotationId } }));
  if (!rotation) return { status: "GONE" };
  if (rotation.status === KEY_ROTATION_STATUS.done)
    return { status: "DONE", retiredVersions: rotation.retiredVersions };
  const { tenantId, toVersion } = rotation;
  await o.storage.keyring.createVersion(tenantId, toVersion);
  o.storage.keyring.forget(tenantId);
  await fsp.mkdir(o.scratchDir, { recursive: true });

  let pass = await resealPass(o, tenantId, toVersion);
  // Writers that began before they saw the new version may add old objects during a pass: go again until none.
  for (let i = 0; i < 4 && pass.resealed > 0; i++) pass = await resealPass(o, tenantId, toVersion);
  const settledAt = rotation.startedAt.getTime() + KEY_CACHE_MS + 5_000;
  if (pass.waiting > 0 || pass.resealed > 0 || Date.now() < settledAt) {
    await setProgress(o.db, o.rotationId, { uploadsWaiting: pass.waiting });
    const retryAt = new Date(Math.max(settledAt, Date.now() + (pass.waiting ? 10 * 60_000 : 0)));
    return { status: "WAITING", retryAt, uploadsWaiting: pass.waiting };
  }
  const retired = await systemTx(o.db, async (tx) => {
    const old = await tx.tenantDataKey.findMany({
      where: { tenantId, version: { lt: toVersion } },
      select: { version: true },
    });
    const versions = old.map((k) => k.version).sort((a, b) => a - b);
    await tx.tenantDataKey.deleteMany({ where: { tenantId, version: { lt: toVersion } } });
    await tx.tenantKeyRotation.update({
      where: { id: rotation.id },
      data: { status: KEY_ROTATION_STATUS.done, finishedAt: new Date(), uploadsWaiting: 0, retiredVersions: versions },
    });
    await appendAudit(tx, {
      tenantId,
      actor: SYSTEM_ACTOR,
      action: "key.retire",
      target: rotation.id,
      metadata: { retiredVersions: versions, currentVersion: toVersion },
    });
    return versions;
  });
  o.storage.keyring.forget(tenantId);
  return { status: "DONE", retiredVersions: retired };
}
