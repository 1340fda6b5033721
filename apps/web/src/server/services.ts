import "server-only";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createLogger, type Logger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { webConfig } from "@/env";

interface Services {
  db: Db;
  storage: StorageDriver;
  log: Logger;
}

// One set per process, kept on globalThis so dev hot reloads do not open new pools.
const g = globalThis as unknown as { scrollintel?: Services };

export function services(): Services {
  if (!g.scrollintel) {
    const config = webConfig();
    if (!config.DATABASE_URL)
      throw new Error("DATABASE_URL is not set (the start script sets it for the embedded database)");
    g.scrollintel = {
      db: createDb(config.DATABASE_URL),
      storage: createStorage(config),
      log: createLogger({ name: "web", level: config.LOG_LEVEL }),
    };
  }
  return g.scrollintel;
}
