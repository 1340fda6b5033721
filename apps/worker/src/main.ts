import path from "node:path";
import { createDb, guardPoolErrors } from "@scrollintel/core/db/client";
import { NotifyListener } from "@scrollintel/core/db/notify-listener";
import { PatientPool } from "@scrollintel/core/db/patient-pool";
import { QUERY_CANCEL_CHANNEL } from "@scrollintel/core/jobs";
import { getPoolOf } from "@scrollintel/core/db/sql";
import { createLogger } from "@scrollintel/core/logger";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { registerPoolMetrics } from "@scrollintel/core/metrics/pool-metrics";
import { registerQueueMetrics } from "@scrollintel/core/metrics/queue-metrics";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { startTracing } from "@scrollintel/core/tracing-setup";
import { loadWorkerConfig } from "./env";
import { SpareDuck } from "./duck/spare-duck";
import { registerDiskMetrics, registerDuckMetrics } from "./duck-metrics";
import { startHealthServer } from "./health-server";
import { observeTasks } from "./observe-task";
import { PoolTracker } from "./liveness/pool-tracker";
import { startLiveness } from "./liveness/start-liveness";
import { installProcessGuards } from "./process-guards";
import { startRunner } from "./runner/start-runner";
import { superviseRunner, waitUntilAnswers } from "./runner/supervise-runner";
import { makeArchiveDatasetsTask } from "./tasks/archive-datasets";
import { makeExpireResultsTask } from "./tasks/expire-results";
import { makeDiscardVersionTask } from "./tasks/discard-version";
import { makeExpireUploadsTask } from "./tasks/expire-uploads";
import { makeIngestTask } from "./tasks/ingest";
import { makeInspectUploadTask } from "./tasks/inspect-upload";
import { makeMaintenanceTask } from "./tasks/maintenance";
import { makeEnginePool, makeQueryTask } from "./tasks/query";
import { makeQueryExportTask } from "./tasks/query-export";
import { makeQueryPageTask } from "./tasks/query-page";
import { makeReconcileStorageTask } from "./tasks/reconcile-storage";
import { makeRestoreDatasetTask } from "./tasks/restore-dataset";
import { makeStreamCompactTask } from "./tasks/stream-compact";
import { makeStreamConnectorTask } from "./tasks/stream-connector";
import { makeTrashSweepTask } from "./tasks/trash-sweep";
import { makePurgeTenantTask } from "./tasks/purge-tenant";
import { makeReencryptTenantTask } from "./tasks/reencrypt-tenant";
import { makeUsageRollupTask } from "./tasks/usage-rollup";
import { makeVersionRetentionTask } from "./tasks/version-retention";
import type { WorkerDeps } from "./worker-deps";

/** How long a tenant's engine process and sandboxed DuckDB instance stay open (warm) after its last query. */
const SESSION_IDLE_MS = 60_000;

async function main() {
  const config = loadWorkerConfig();
  const tracing = startTracing({ serviceName: "scrollintel-worker", config });
  const log = createLogger({ name: "worker", level: config.LOG_LEVEL });
  installProcessGuards(log);
  if (!config.DATABASE_URL)
    throw new Error("DATABASE_URL is not set (the start script sets it for the embedded database)");
  const onConnectionError = (e: unknown) =>
    log.debug({ err: e instanceof Error ? e.message : String(e) }, "database connection error");
  // During an outage a job's database call waits for the server (a restart takes seconds)
  // before the job fails and is retried; the process itself never gives up (runner/).
  const db = createDb(config.DATABASE_URL, { connectWaitMs: config.WORKER_DB_WAIT_MS, onConnectionError });
  // Health and heartbeats fail fast instead: they must say "down" while it is down.
  const probeDb = createDb(config.DATABASE_URL, { max: 2, onConnectionError });
  const cancels = new NotifyListener(config.DATABASE_URL, QUERY_CANCEL_CHANNEL, log);
  cancels.ready().catch(() => log.warn("LISTEN for cancels not connected yet; retrying"));
  const spareDuck = new SpareDuck({
    memoryLimit: config.DUCKDB_MEMORY_LIMIT,
    threads: config.DUCKDB_THREADS,
    tempDir: path.join(config.dataDir, "work", "spare-spill"),
  });
  spareDuck.warm();
  const engines = makeEnginePool({ config, log }, SESSION_IDLE_MS);
  engines.warm();
  const storage = createTenantStorage(config, db);
  const deps: WorkerDeps = { config, db, storage, log, cancels, spareDuck, engines };
  const taskList = observeTasks({
    ingest: makeIngestTask(deps),
    "inspect-upload": makeInspectUploadTask(deps),
    query: makeQueryTask(deps),
    "query-page": makeQueryPageTask(deps),
    "query-export": makeQueryExportTask(deps),
    "usage-rollup": makeUsageRollupTask(deps),
    maintenance: makeMaintenanceTask(deps),
    "expire-uploads": makeExpireUploadsTask(deps),
    "archive-datasets": makeArchiveDatasetsTask(deps),
    "restore-dataset": makeRestoreDatasetTask(deps),
    "reconcile-storage": makeReconcileStorageTask(deps),
    "expire-results": makeExpireResultsTask(deps),
    "discard-version": makeDiscardVersionTask(deps),
    "stream-compact": makeStreamCompactTask(deps),
    "stream-connector": makeStreamConnectorTask(deps),
    "trash-sweep": makeTrashSweepTask(deps),
    "purge-tenant": makePurgeTenantTask(deps),
    "reencrypt-tenant": makeReencryptTenantTask(deps),
    "version-retention": makeVersionRetentionTask(deps),
  });
  const jobPool = new PatientPool(
    { connectionString: config.DATABASE_URL, max: config.WORKER_CONCURRENCY + 4 },
    config.WORKER_DB_WAIT_MS,
    onConnectionError,
  );
  guardPoolErrors(jobPool, onConnectionError);
  const metrics = workerMetrics();
  registerQueueMetrics(metrics.registry, () => getPoolOf(probeDb));
  registerPoolMetrics(metrics.registry, () => ({ app: getPoolOf(db), probe: getPoolOf(probeDb), jobs: jobPool }));
  registerDiskMetrics(metrics.registry, config.dataDir);
  registerDuckMetrics(metrics.registry, {
    workDir: path.join(config.dataDir, "work"),
    enginePids: () => engines.pids(),
  });
  const health = await startHealthServer({
    db: probeDb,
    storage,
    port: config.WORKER_HEALTH_PORT,
    host: config.WORKER_HEALTH_HOST,
    metrics: { registry: metrics.registry, token: config.METRICS_TOKEN },
  });
  const addr = health.address();
  log.info({ healthPort: typeof addr === "object" && addr ? addr.port : null }, "worker started");

  const tracker = new PoolTracker();
  const liveness = startLiveness({ db: probeDb, storage, log, ids: () => tracker.ids() });
  const stopping = new AbortController();
  stopOnSignals(stopping, log);
  await superviseRunner({
    start: () => startRunner({ pgPool: jobPool, concurrency: config.WORKER_CONCURRENCY, taskList, tracker, log }),
    waitForDb: (signal) => waitUntilAnswers(() => probeDb.$queryRaw`SELECT 1`, signal),
    log,
    signal: stopping.signal,
  });
  await liveness.stop();
  health.close();
  await cancels.close();
  await engines.close();
  await spareDuck.close();
  await Promise.allSettled([db.$disconnect(), probeDb.$disconnect(), jobPool.end(), tracing?.shutdown()]);
  log.info("worker stopped");
}

/** SIGTERM/SIGINT: stop taking jobs and let running ones finish; a second signal exits at once. */
function stopOnSignals(stopping: AbortController, log: ReturnType<typeof createLogger>): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping.signal.aborted) process.exit(1);
      log.info({ signal }, "stopping: running jobs finish first");
      stopping.abort();
    });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
