import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import type { StorageDriver, StoredObject } from "./storage-driver";

/** Objects as files under one root directory: the embedded default. */
export class LocalStorage implements StorageDriver {
  readonly kind = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true });
  }

  /** Resolves a key to a path and refuses any that would leave the root. */
  resolve(key: string): string {
    const p = path.resolve(this.root, key);
    if (p !== this.root && !p.startsWith(this.root + path.sep)) throw new Error(`key escapes storage root: ${key}`);
    return p;
  }

  async probe(): Promise<void> {
    await fsp.access(this.root, fs.constants.R_OK | fs.constants.W_OK);
  }

  localPath(key: string): string {
    return this.resolve(key);
  }

  /**
   * Durable once it returns: callers commit a PostgreSQL row that names the object right after (an event
   * batch's 200, a version turning READY), and PostgreSQL's commit survives a power loss.
   */
  async put(key: string, body: Readable): Promise<void> {
    const dest = this.resolve(key);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    // Write beside, then rename: readers never see half an object.
    const tmp = `${dest}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      await pipeline(body, fs.createWriteStream(tmp));
      // The bytes on disk before the name points at them, and the name on disk before the caller commits.
      await syncPath(tmp);
      await fsp.rename(tmp, dest);
      await syncPath(path.dirname(dest));
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
  }

  async settle(key: string): Promise<void> {
    const p = this.resolve(key);
    await syncPath(p);
    await syncPath(path.dirname(p));
  }

  async get(key: string): Promise<Readable> {
    const p = this.resolve(key);
    await fsp.access(p);
    return fs.createReadStream(p);
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await fsp.stat(this.resolve(key));
      return s.isFile() ? { key, size: s.size } : null;
    } catch {
      return null;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const base = this.resolve(prefix);
    const dir = prefix.endsWith("/") ? base : path.dirname(base);
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true, recursive: true });
    } catch {
      return;
    }
    const keys = entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
      .filter((k) => k.startsWith(prefix) && !/\.tmp-[0-9a-f]+$/.test(k))
      .sort();
    for (const key of keys) {
      const s = await fsp.stat(this.resolve(key)).catch(() => null);
      if (s?.isFile()) yield { key, size: s.size, modifiedAt: s.mtime };
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.resolve(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for await (const o of this.list(prefix)) {
      await this.delete(o.key);
      n++;
    }
    if (prefix.endsWith("/")) await fsp.rm(this.resolve(prefix), { recursive: true, force: true });
    return n;
  }
}

/** fsync of a file or a directory (a directory holds its entries' names). */
async function syncPath(p: string): Promise<void> {
  const fh = await fsp.open(p, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
