import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Logger } from "../logger";
import type { StorageDriver } from "../storage/storage-driver";
import { BackupError } from "./backup-error";
import { MANIFEST_FILE, MANIFEST_FORMAT, type BackupManifest } from "./backup-manifest";
import { backUpObject, hashObject, isS3, listAllObjects, mapParallel } from "./backup-objects";
import { dumpDatabase } from "./dump-database";
import { takeBackupLock } from "./object-sweep-lock";
import { findMissing, findObjectReferences, isReferenced, type ObjectReferences } from "./referenced-objects";
import { isBucketVersioned } from "./s3-versions";

export interface BackupOptions {
  databaseUrl: string;
  storage: StorageDriver;
  /** Created if missing; must be empty. */
  dir: string;
  log: Logger;
  /** S3: copy the objects into the backup even when the bucket keeps versions. */
  copyObjects?: boolean;
}

export interface BackupResult {
  manifest: BackupManifest;
  /** Bytes written or hashed: the dump files and every object. */
  bytesRead: number;
}

function assertEmptyDir(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new BackupError("TARGET_NOT_EMPTY", `the backup directory ${dir} is not empty; give a new one`);
  fs.mkdirSync(dir, { recursive: true });
}

async function chooseMode(opts: BackupOptions): Promise<BackupManifest["storage"]["mode"]> {
  if (!isS3(opts.storage) || opts.copyObjects) return "copy";
  if (await isBucketVersioned(opts.storage.client, opts.storage.bucket)) return "s3-versions";
  opts.log.warn({ bucket: opts.storage.bucket }, "bucket versioning is off: objects are copied into the backup");
  return "copy";
}

/** The dump and the keys it references, from one snapshot. */
async function snapshot(c: pg.Client, dir: string) {
  await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    // Row-level security lets a non-superuser backup role see every tenant's rows.
    await c.query("SELECT set_config('app.system', 'on', true)");
    const database = await dumpDatabase(c, dir);
    const refs = await findObjectReferences(c);
    await c.query("COMMIT");
    return { database, refs };
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

async function copyObjects(opts: BackupOptions, refs: ObjectReferences, mode: BackupManifest["storage"]["mode"]) {
  const present = await listAllObjects(opts.storage);
  const referenced = present.filter((o) => isReferenced(refs, o.key));
  const others = present.filter((o) => !isReferenced(refs, o.key));
  const objects = await mapParallel(referenced, (o) => backUpObject(opts.storage, opts.dir, o.key, mode));
  const unreferenced = await mapParallel(others, (o) => hashObject(opts.storage, o.key));
  const missing = findMissing(refs, new Set(present.map((o) => o.key)));
  return { objects, unreferenced, missing };
}

/**
 * A consistent backup: the exclusive side of the object-sweep lock is taken
 * before the snapshot and held until every object the snapshot references has
 * been read, so no sweep deletes one in between (objects are immutable once
 * written). The manifest is written last: a directory without it is no backup.
 */
export async function runBackup(opts: BackupOptions): Promise<BackupResult> {
  const startedAt = new Date().toISOString();
  assertEmptyDir(opts.dir);
  const mode = await chooseMode(opts);
  const c = new pg.Client({ connectionString: opts.databaseUrl });
  await c.connect();
  try {
    const release = await takeBackupLock(c);
    const { database, refs } = await snapshot(c, opts.dir);
    opts.log.info({ tables: database.tables.length }, "database dumped; reading objects");
    const { objects, unreferenced, missing } = await copyObjects(opts, refs, mode);
    await release();
    for (const m of missing) opts.log.error(m, "an object the database names is missing from storage");
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      formatVersion: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      storage: { driver: opts.storage.kind, mode, bucket: isS3(opts.storage) ? opts.storage.bucket : undefined },
      database,
      objects,
      unreferenced,
      missing,
    };
    const file = path.join(opts.dir, MANIFEST_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 1));
    fs.renameSync(`${file}.tmp`, file);
    const bytesRead = sum(objects.map((o) => o.size)) + sum(unreferenced.map((o) => o.size)) + dumpBytes(opts.dir);
    return { manifest, bytesRead };
  } finally {
    await c.end();
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function dumpBytes(dir: string): number {
  const db = path.join(dir, "db");
  return sum(fs.readdirSync(db).map((f) => fs.statSync(path.join(db, f)).size));
}
