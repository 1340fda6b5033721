import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Logger } from "../logger";
import type { StorageDriver } from "../storage/storage-driver";
import { BackupError } from "./backup-error";
import { MANIFEST_FILE, ZBackupManifest, type BackupManifest } from "./backup-manifest";
import { listAllObjects } from "./backup-objects";
import { hashAll } from "./hash-stream";
import { countRows, loadDatabase } from "./load-database";
import { restoreObjects, type VersionSource } from "./restore-objects";

export interface RestoreOptions {
  dir: string;
  /** The target database (created, maybe migrated, holding no rows). */
  databaseUrl: string;
  target: StorageDriver;
  /** Applies this release's migrations (prisma/migrate's migrateDeploy). */
  migrate: (databaseUrl: string) => Promise<unknown>;
  /** For an "s3-versions" backup: where the named versions are read from. */
  versionSource?: VersionSource;
  log: Logger;
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file))
    throw new BackupError("BAD_BACKUP", `${dir} holds no ${MANIFEST_FILE}: not a backup, or one that did not finish`);
  const r = ZBackupManifest.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!r.success)
    throw new BackupError("BAD_BACKUP", `${file} is not a backup manifest: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** The dump's files against their SHA-256, before anything is written. */
async function verifyDumpFiles(dir: string, manifest: BackupManifest): Promise<void> {
  for (const t of manifest.database.tables) {
    const hash = await hashAll(fs.createReadStream(path.join(dir, t.file)));
    if (hash.digest() !== t.sha256)
      throw new BackupError(
        "CHECKSUM_MISMATCH",
        `${t.file}: SHA-256 does not match the manifest; the backup is damaged`,
      );
  }
}

async function assertEmptyTargets(c: pg.Client, target: StorageDriver): Promise<void> {
  const full = (await countRows(c)).filter((t) => t.rows > 0);
  if (full.length)
    throw new BackupError(
      "TARGET_NOT_EMPTY",
      `the target database holds rows (${full
        .map((t) => t.table)
        .slice(0, 5)
        .join(", ")}): restore only into an empty one`,
    );
  const objects = await listAllObjects(target);
  if (objects.length)
    throw new BackupError(
      "TARGET_NOT_EMPTY",
      `the target storage holds ${objects.length} objects (first: ${objects[0]!.key}): restore only into empty storage`,
    );
}

async function assertSameRelease(c: pg.Client, manifest: BackupManifest): Promise<void> {
  const r = await c.query<{ name: string }>(
    "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1",
  );
  const here = r.rows.map((m) => m.name).join(",");
  if (here !== manifest.database.migrations.join(","))
    throw new BackupError(
      "RELEASE_MISMATCH",
      `the backup was made at migration ${manifest.database.migrations.at(-1)}, this release is at ${r.rows.at(-1)?.name}: ` +
        "restore with the release that made the backup, then upgrade",
    );
}

/**
 * Restores a backup into an empty database and empty storage: verifies the
 * dump, writes every object (each checked against its SHA-256), and only then
 * loads the database, so an instance never starts on rows whose objects are
 * missing. Refuses a target that holds anything.
 */
export async function runRestore(opts: RestoreOptions): Promise<{ manifest: BackupManifest; bytes: number }> {
  const manifest = readManifest(opts.dir);
  await verifyDumpFiles(opts.dir, manifest);
  const c = new pg.Client({ connectionString: opts.databaseUrl });
  await c.connect();
  try {
    await assertEmptyTargets(c, opts.target);
    await c.end();
    await opts.migrate(opts.databaseUrl);
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  const db = new pg.Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    await assertSameRelease(db, manifest);
    await assertEmptyTargets(db, opts.target);
    opts.log.info({ objects: manifest.objects.length }, "writing objects");
    const bytes = await restoreObjects({
      dir: opts.dir,
      manifest,
      target: opts.target,
      source: opts.versionSource ?? null,
    });
    opts.log.info({ tables: manifest.database.tables.length }, "loading the database");
    await loadDatabase(db, opts.dir, manifest.database);
    return { manifest, bytes };
  } finally {
    await db.end();
  }
}
