import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import type { KeyWrapper } from "./key-wrapper";
import { SealedObjectError } from "./sealed-format";

/** How long an unwrapped key is reused: other processes see a rotation or a shredded tenant within this. */
export const KEY_CACHE_MS = 60_000;

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * Tenant data keys from PostgreSQL, unwrapped by the current master key (or a
 * previous one, until a rewrap moves every row to the current one). A tenant
 * gets its first key on its first write.
 */
export class TenantKeyring {
  private readonly wrappers: Map<string, KeyWrapper>;
  private readonly keys = new Map<string, Cached<Buffer>>();
  private readonly current = new Map<string, Cached<number>>();
  private readonly present = new Map<string, Cached<boolean>>();

  constructor(
    private readonly db: Db,
    readonly wrapper: KeyWrapper,
    previous: KeyWrapper[] = [],
  ) {
    this.wrappers = new Map([...previous, wrapper].map((w) => [w.id, w]));
  }

  private cached<T>(map: Map<string, Cached<T>>, k: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(k);
    if (hit && Date.now() - hit.at < KEY_CACHE_MS) return hit.value;
    const value = load();
    map.set(k, { value, at: Date.now() });
    value.catch(() => map.delete(k));
    return value;
  }

  /** The version new objects of this tenant are written with, creating version 1 on first use. */
  async currentVersion(tenantId: string): Promise<number> {
    return this.cached(this.current, tenantId, async () => {
      const top = await this.newestVersion(tenantId);
      return top ?? (await this.createVersion(tenantId, 1));
    });
  }

  private async newestVersion(tenantId: string): Promise<number | null> {
    const row = await systemTx(this.db, (tx) =>
      tx.tenantDataKey.findFirst({ where: { tenantId }, orderBy: { version: "desc" }, select: { version: true } }),
    );
    return row?.version ?? null;
  }

  /** Adds `version` (a concurrent writer may have added it first: then its key stands). */
  async createVersion(tenantId: string, version: number): Promise<number> {
    const wrappedKey = await this.wrapper.wrap(randomBytes(32), { tenantId, version });
    await systemTx(this.db, (tx) =>
      tx.tenantDataKey.createMany({
        data: [{ tenantId, version, wrappedKey: new Uint8Array(wrappedKey), wrappedBy: this.wrapper.id }],
        skipDuplicates: true,
      }),
    );
    return version;
  }

  /** The data key of one version; a shredded tenant (or a version never made) cannot be read. */
  keyFor(tenantId: string, version: number): Promise<Buffer> {
    return this.cached(this.keys, `${tenantId}:${version}`, async () => {
      const row = await systemTx(this.db, (tx) =>
        tx.tenantDataKey.findUnique({ where: { tenantId_version: { tenantId, version } } }),
      );
      if (!row) throw new SealedObjectError(`no data key ${version} for this tenant: it was destroyed or never made`);
      const w = this.wrappers.get(row.wrappedBy);
      if (!w) throw new Error(`data key ${version} is wrapped by ${row.wrappedBy}, which is not configured`);
      return w.unwrap(Buffer.from(row.wrappedKey), { tenantId, version });
    });
  }

  /** Starts a new data key version: new objects use it, older objects keep theirs. */
  async rotate(tenantId: string): Promise<number> {
    const next = ((await this.newestVersion(tenantId)) ?? 0) + 1;
    await this.createVersion(tenantId, next);
    this.current.delete(tenantId);
    return next;
  }

  /** Drops what this process remembers of a tenant (after shredding or rotation elsewhere). */
  forget(tenantId: string): void {
    this.current.delete(tenantId);
    this.present.delete(tenantId);
    for (const k of this.keys.keys()) if (k.startsWith(`${tenantId}:`)) this.keys.delete(k);
  }

  /** Whether the tenant still has any key: a decrypted copy of a shredded tenant must not be served. */
  hasKeys(tenantId: string): Promise<boolean> {
    return this.cached(this.present, tenantId, async () => {
      const n = await systemTx(this.db, (tx) => tx.tenantDataKey.count({ where: { tenantId } }));
      return n > 0;
    });
  }
}

/**
 * After the master key changed: unwraps every data key wrapped by an older
 * master key and wraps it again under the current one. Objects are untouched
 * (their data keys do not change). Returns how many keys were rewrapped.
 */
export async function rewrapDataKeys(db: Db, current: KeyWrapper, previous: KeyWrapper[]): Promise<number> {
  const byId = new Map(previous.map((w) => [w.id, w]));
  const rows = await systemTx(db, (tx) =>
    tx.tenantDataKey.findMany({ where: { wrappedBy: { not: current.id } }, orderBy: [{ tenantId: "asc" }] }),
  );
  let n = 0;
  for (const row of rows) {
    const old = byId.get(row.wrappedBy);
    if (!old)
      throw new Error(
        `data key ${row.tenantId}/${row.version} is wrapped by ${row.wrappedBy}, which is not configured`,
      );
    const ctx = { tenantId: row.tenantId, version: row.version };
    const wrapped = await current.wrap(await old.unwrap(Buffer.from(row.wrappedKey), ctx), ctx);
    await systemTx(db, (tx) =>
      tx.tenantDataKey.update({
        where: { tenantId_version: ctx, wrappedBy: row.wrappedBy },
        data: { wrappedKey: new Uint8Array(wrapped), wrappedBy: current.id },
      }),
    );
    n++;
  }
  return n;
}
