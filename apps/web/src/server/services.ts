import "server-only";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { NotifyListener } from "@scrollintel/core/db/notify-listener";
import { QUERY_DONE_CHANNEL } from "@scrollintel/core/jobs";
import { createLogger, type Logger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { webConfig } from "@/env";

interface Services {
  db: Db;
  storage: StorageDriver;
  log: Logger;
  /** One LISTEN connection for query/page/export completions, shared by every request. */
  queryEvents: NotifyListener;
}

// One set per process, kept on globalThis so dev hot reloads do not open new pools.
const g = globalThis as unknown as { scrollintel?: Services };

export function services(): Services {
  if (!g.scrollintel) {
    const config = webConfig();
    if (!config.DATABASE_URL)
      throw new Error("DATABASE_URL is not set (the start script sets it for the embedded database)");
    const log = createLogger({ name: "web", level: config.LOG_LEVEL });
    g.scrollintel = {
      db: createDb(config.DATABASE_URL),
      storage: createStorage(config),
      log,
      queryEvents: new NotifyListener(config.DATABASE_URL, QUERY_DONE_CHANNEL, log),
    };
  }
  return g.scrollintel;
}
