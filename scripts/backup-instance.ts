// The database and storage `pnpm backup` and `pnpm restore` work on: DATABASE_URL
// and the configured storage, or DATA_DIR's embedded PostgreSQL and local
// storage. A running `pnpm start` keeps its server; otherwise the embedded
// server is started for the duration, under DATA_DIR's lock.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "@scrollintel/core/config";
import { BackupError } from "@scrollintel/core/backup/backup-error";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { DataDirBusyError, lockDataDir } from "./data-dir-lock";
import { embeddedAdminUrl, startEmbeddedPostgres } from "./embedded-postgres";
import { pickPostgresPort } from "./pg-port";
import { readRunFile } from "./run-file";
import { ensureDatabase } from "./start-env";

export interface Instance {
  databaseUrl: string;
  storage: StorageDriver;
  close(): Promise<void>;
}

const DATABASE = "scrollintel";

async function startOwn(config: Config): Promise<Instance> {
  const lock = lockDataDir(config.dataDir);
  try {
    const { port } = await pickPostgresPort(config.dataDir);
    const pg = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, "pg"),
      port,
      persistent: true,
      stopLeftover: true,
    });
    const databaseUrl = await ensureDatabase(pg.adminUrl, DATABASE);
    return {
      databaseUrl,
      storage: createStorage(config),
      async close() {
        await pg.stop();
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** The instance to back up. */
export async function openInstance(config: Config): Promise<Instance> {
  if (config.DATABASE_URL)
    return { databaseUrl: config.DATABASE_URL, storage: createStorage(config), close: async () => {} };
  try {
    return await startOwn(config);
  } catch (e) {
    const port = e instanceof DataDirBusyError ? readRunFile(config.dataDir)?.postgresPort : null;
    if (!port) throw e;
    // `pnpm start` runs on this DATA_DIR: back up through its server.
    const u = new URL(embeddedAdminUrl(port));
    u.pathname = `/${DATABASE}`;
    return { databaseUrl: u.toString(), storage: createStorage(config), close: async () => {} };
  }
}

/** The instance to restore into: with no DATABASE_URL, DATA_DIR must be empty or absent. */
export async function openEmptyInstance(config: Config): Promise<Instance> {
  if (config.DATABASE_URL) return openInstance(config);
  if (fs.existsSync(config.dataDir) && fs.readdirSync(config.dataDir).length > 0)
    throw new BackupError(
      "TARGET_NOT_EMPTY",
      `DATA_DIR ${config.dataDir} is not empty: restore only into a new DATA_DIR (or set DATABASE_URL and storage)`,
    );
  return startOwn(config);
}
