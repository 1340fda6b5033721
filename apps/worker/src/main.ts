import path from "node:path";
import { makeWorkerUtils, run, Logger as GraphileLogger } from "graphile-worker";
import { createDb } from "@scrollintel/core/db/client";
import { NotifyListener } from "@scrollintel/core/db/notify-listener";
import { QUERY_CANCEL_CHANNEL } from "@scrollintel/core/jobs";
import { createLogger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { CRONTAB } from "./crontab";
import { loadWorkerConfig } from "./env";
import { SpareDuck } from "./duck/spare-duck";
import { startHealthServer } from "./health-server";
import { makeExpireUploadsTask } from "./tasks/expire-uploads";
import { startIngestRecovery } from "./ingest-recovery";
import { makeIngestTask } from "./tasks/ingest";
import { makeMaintenanceTask } from "./tasks/maintenance";
import { makeEnginePool, makeQueryTask } from "./tasks/query";
import { makeQueryExportTask } from "./tasks/query-export";
import { makeQueryPageTask } from "./tasks/query-page";
import { makeUsageRollupTask } from "./tasks/usage-rollup";
import type { WorkerDeps } from "./worker-deps";

/** How long a tenant's engine process and sandboxed DuckDB instance stay open (warm) after its last query. */
const SESSION_IDLE_MS = 60_000;

async function main() {
  const config = loadWorkerConfig();
  const log = createLogger({ name: "worker", level: config.LOG_LEVEL });
  if (!config.DATABASE_URL)
    throw new Error("DATABASE_URL is not set (the start script sets it for the embedded database)");
  const db = createDb(config.DATABASE_URL);
  const cancels = new NotifyListener(config.DATABASE_URL, QUERY_CANCEL_CHANNEL, log);
  await cancels.ready();
  const spareDuck = new SpareDuck({
    memoryLimit: config.DUCKDB_MEMORY_LIMIT,
    threads: config.DUCKDB_THREADS,
    tempDir: path.join(config.dataDir, "work", "spare-spill"),
  });
  spareDuck.warm();
  const engines = makeEnginePool({ config, log }, SESSION_IDLE_MS);
  engines.warm();
  const deps: WorkerDeps = { config, db, storage: createStorage(config), log, cancels, spareDuck, engines };
  const runner = await run({
    connectionString: config.DATABASE_URL,
    concurrency: config.WORKER_CONCURRENCY,
    noHandleSignals: false,
    pollInterval: 2000,
    logger: new GraphileLogger((scope) => (level, message, meta) => {
      const l = log.child({ scope: scope.label });
      if (level === "error") l.error(meta ?? {}, message);
      else if (level === "warning") l.warn(meta ?? {}, message);
      else l.debug(meta ?? {}, message);
    }),
    crontab: CRONTAB,
    taskList: {
      ingest: makeIngestTask(deps),
      query: makeQueryTask(deps),
      "query-page": makeQueryPageTask(deps),
      "query-export": makeQueryExportTask(deps),
      "usage-rollup": makeUsageRollupTask(deps),
      maintenance: makeMaintenanceTask(deps),
      "expire-uploads": makeExpireUploadsTask(deps),
    },
  });
  const utils = await makeWorkerUtils({ connectionString: config.DATABASE_URL });
  const stopRecovery = startIngestRecovery({ db, utils, staleAfterMs: config.INGEST_STALE_AFTER_MS, log });
  const health = await startHealthServer(db, config.WORKER_HEALTH_PORT);
  const addr = health.address();
  log.info({ healthPort: typeof addr === "object" && addr ? addr.port : null }, "worker started");
  await runner.promise;
  stopRecovery();
  await utils.release();
  health.close();
  await cancels.close();
  await engines.close();
  await spareDuck.close();
  await db.$disconnect();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
