import type { Readable } from "node:stream";
import { tenantOfKey } from "../keys";
import { CHUNK_BYTES, SealedObjectError, newHeader, plainSize, sealedSize } from "../crypto/sealed-format";
import { OpenTransform, SealTransform } from "../crypto/sealed-stream";
import type { TenantKeyring } from "../crypto/tenant-keyring";
import type { StorageDriver, StoredObject } from "./storage-driver";

/**
 * The tus stores' own side objects (metadata, parked part, sealing state):
 * sizes reported as stored. The parked part and the sealing state hold only
 * ciphertext (the sealed tus store seals before the inner store writes).
 */
const TUS_SIDE = /\/uploads\/[a-z0-9]+\.(json|info|part|seal)$/;

function tenantOf(key: string): string {
  const t = tenantOfKey(key);
  if (!t) throw new SealedObjectError(`${key}: only tenant objects can be stored when encryption is on`);
  return t;
}

/** Errors from the source stream end the transform with the same error, so a failed read never looks complete. */
function pipeInto<T extends NodeJS.ReadWriteStream & Readable>(src: Readable, t: T): T {
  src.once("error", (e) => t.destroy(e));
  t.once("close", () => src.destroy());
  return src.pipe(t);
}

/**
 * Client-side envelope encryption over any driver: every object is written
 * sealed (crypto/sealed-format.ts) under its tenant's current data key and
 * decrypted while read. Sizes are reported in plaintext bytes (computed from
 * the stored size, no read), so quotas, reconciliation and the tus finish
 * check count what the tenant stored, whether encryption is on or off.
 * No object has a local path: readers that need a file get a decrypted copy
 * (the worker's cache), so DuckDB never sees ciphertext.
 */
export class EncryptedStorage implements StorageDriver {
  readonly kind: StorageDriver["kind"];

  constructor(
    readonly raw: StorageDriver,
    readonly keyring: TenantKeyring,
  ) {
    this.kind = raw.kind;
  }

  async put(key: string, body: Readable, opts: { sizeBytes?: number } = {}): Promise<void> {
    const tenantId = tenantOf(key);
    const version = await this.keyring.currentVersion(tenantId);
    const dataKey = await this.keyring.keyFor(tenantId, version);
    const sealed = pipeInto(body, new SealTransform(dataKey, newHeader(version)));
    const sizeBytes = opts.sizeBytes === undefined ? undefined : sealedSize(opts.sizeBytes, CHUNK_BYTES);
    await this.raw.put(key, sealed, { sizeBytes });
  }

  async get(key: string): Promise<Readable> {
    const tenantId = tenantOf(key);
    const src = await this.raw.get(key);
    const open = new OpenTransform((v) => this.keyring.keyFor(tenantId, v), key);
    return pipeInto(src, open);
  }

  private plain(o: StoredObject): StoredObject {
    if (TUS_SIDE.test(o.key)) return o;
    const size = plainSize(o.size);
    return size === null ? o : { ...o, size };
  }

  async stat(key: string): Promise<StoredObject | null> {
    const o = await this.raw.stat(key);
    return o && this.plain(o);
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    for await (const o of this.raw.list(prefix)) yield this.plain(o);
  }

  delete(key: string): Promise<void> {
    return this.raw.delete(key);
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.raw.deletePrefix(prefix);
  }

  settle(key: string): Promise<void> {
    return this.raw.settle(key);
  }

  probe(): Promise<void> {
    return this.raw.probe();
  }

  localPath(): string | null {
    return null;
  }
}

/** The driver under any encryption: for code that moves stored bytes as they are (backup, tiering copies). */
export function rawStorage(storage: StorageDriver): StorageDriver {
  return storage instanceof EncryptedStorage ? storage.raw : storage;
}

export function isEncrypted(storage: StorageDriver): storage is EncryptedStorage {
  return storage instanceof EncryptedStorage;
}
