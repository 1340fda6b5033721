import type { Config } from "@scrollintel/core/config";
import type { Db } from "@scrollintel/core/db/client";
import type { NotifyListener } from "@scrollintel/core/db/notify-listener";
import type { Logger } from "@scrollintel/core/logger";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { SpareDuck } from "./duck/spare-duck";
import type { EnginePool } from "./engine/engine-pool";

/** What every task handler is given: built once at boot in main.ts. */
export interface WorkerDeps {
  config: Config;
  db: Db;
  storage: StorageDriver;
  log: Logger;
  /** NOTIFYs of cancelled query runs; absent in tests that do not cancel. */
  cancels?: NotifyListener;
  /** A DuckDB instance opened ahead of the next query; without it tasks open their own. */
  spareDuck?: SpareDuck;
  /** Engine processes that run user SQL, one per tenant kept warm; without it the query task makes its own. */
  engines?: EnginePool;
}
