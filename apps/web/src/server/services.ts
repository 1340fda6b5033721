import "server-only";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { NotifyListener } from "@scrollintel/core/db/notify-listener";
import { QUERY_DONE_CHANNEL } from "@scrollintel/core/jobs";
import { createLogger, type Logger } from "@scrollintel/core/logger";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { webConfig } from "@/env";

interface Services {
  db: Db;
  storage: StorageDriver;
  log: Logger;
  /** One LISTEN connection for query/page/export completions, shared by every request. */
  queryEvents: NotifyListener;
}

/** How long a request waits for a free database connection before it is told to retry. */
const POOL_WAIT_MS = 2_000;

// One set per process, kept on globalThis so dev hot reloads do not open new pools.
const g = globalThis as unknown as { scrollintel?: Services };

export function services(): Services {
  if (!g.scrollintel) {
    const config = webConfig();
    if (!config.DATABASE_URL)
      throw new Error("DATABASE_URL is not set (the start script sets it for the embedded database)");
    const log = createLogger({ name: "web", level: config.LOG_LEVEL });
    // A request that finds all ten connections busy for 2 s is answered 429 + Retry-After (busy), not held open.
    const db = createDb(config.DATABASE_URL, { poolWaitMs: POOL_WAIT_MS });
    g.scrollintel = {
      db,
      storage: createTenantStorage(config, db),
      log,
      queryEvents: new NotifyListener(config.DATABASE_URL, QUERY_DONE_CHANNEL, log),
    };
  }
  return g.scrollintel;
}
