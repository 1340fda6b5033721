import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Config } from "@scrollintel/core/config";
import { tenantOfKey } from "@scrollintel/core/keys";
import { isEncrypted } from "@scrollintel/core/storage/encrypted-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

/** Files used this recently are never evicted: a query may be reading them. */
const IN_USE_MS = 10 * 60 * 1000;

export function cacheRoot(config: Config): string {
  return path.join(config.dataDir, "cache");
}

/**
 * A path DuckDB can open for a stored object: the object itself on local
 * storage, else a copy in the worker's size-bounded cache (the hot tier over
 * S3). Dataset objects never change under a key (versions get new keys), so
 * a cached copy is valid for as long as it exists. With encryption on, the
 * cache (under tenants/{tenantId}/, so per tenant) holds the only decrypted
 * copies; a tenant whose keys were destroyed loses its cached copies on the
 * next use instead of being served from them.
 */
export async function localPathFor(deps: { storage: StorageDriver; config: Config }, key: string): Promise<string> {
  const direct = deps.storage.localPath(key);
  if (direct) return direct;
  const root = cacheRoot(deps.config);
  const dest = path.resolve(root, key);
  if (!dest.startsWith(root + path.sep)) throw new Error(`key escapes the cache: ${key}`);
  const now = new Date();
  const cached = await fsp.utimes(dest, now, now).then(
    () => true, // marks it recently used for eviction
    () => false, // not cached yet
  );
  if (cached && (await keyStillExists(deps.storage, key, root))) return dest;
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    await pipeline(await deps.storage.get(key), fs.createWriteStream(tmp));
    await fsp.rename(tmp, dest);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await evictCache(root, deps.config.WORKER_CACHE_BYTES);
  return dest;
}

/** Whether a cached copy may still be served: its tenant's keys must exist (crypto-shredding). */
async function keyStillExists(storage: StorageDriver, key: string, root: string): Promise<boolean> {
  if (!isEncrypted(storage)) return true;
  const tenantId = tenantOfKey(key);
  if (tenantId && (await storage.keyring.hasKeys(tenantId))) return true;
  if (tenantId) await fsp.rm(path.join(root, "tenants", tenantId), { recursive: true, force: true });
  return false;
}

/** Local paths for several keys, fetched one at a time so a big dataset does not open hundreds of streams. */
export async function localPathsFor(deps: { storage: StorageDriver; config: Config }, keys: string[]) {
  const out: string[] = [];
  for (const k of keys) out.push(await localPathFor(deps, k));
  return out;
}

/** Deletes least recently used copies until the cache fits `limit`, sparing any used in the last minutes. */
export async function evictCache(root: string, limit: number, now = Date.now()): Promise<number> {
  const entries = await fsp.readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile() && !e.name.includes(".tmp-"))
      .map(async (e) => {
        const p = path.join(e.parentPath, e.name);
        const s = await fsp.stat(p).catch(() => null);
        return s ? { p, size: s.size, used: s.mtimeMs } : null;
      }),
  );
  const live = files.filter((f) => f !== null).sort((a, b) => a.used - b.used);
  let total = live.reduce((n, f) => n + f.size, 0);
  let removed = 0;
  for (const f of live) {
    if (total <= limit) break;
    if (now - f.used < IN_USE_MS) continue;
    await fsp.rm(f.p, { force: true });
    total -= f.size;
    removed++;
  }
  return removed;
}
