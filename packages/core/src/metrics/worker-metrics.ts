import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { LATENCY_BUCKETS } from "./web-metrics";
import { TenantSlots } from "./tenant-slots";

const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

function createWorkerMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "worker" });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const slots = new TenantSlots();
  return {
    registry,
    slots,
    jobDuration: new Histogram({
      name: "scrollintel_job_duration_seconds",
      help: "Job runs by task and outcome (success, error = will retry or failed for good)",
      labelNames: ["task", "outcome"] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    jobWait: new Histogram({
      name: "scrollintel_job_wait_seconds",
      help: "From a job's run_at to a worker starting it, by task",
      labelNames: ["task"] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    jobsFailed: new Counter({
      name: "scrollintel_jobs_failed_total",
      help: "Jobs that failed for good (attempts used up), by task",
      labelNames: ["task"] as const,
      registers,
    }),
    ingestBytes: new Counter({
      name: "scrollintel_ingest_bytes_total",
      help: "Source bytes of ingests that finished READY",
      registers,
    }),
    ingestRows: new Counter({
      name: "scrollintel_ingest_rows_total",
      help: "Rows written by ingests that finished READY",
      registers,
    }),
    ingestDuration: new Histogram({
      name: "scrollintel_ingest_duration_seconds",
      help: "Ingest runs from start to READY (or failure), by outcome",
      labelNames: ["outcome"] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    queryDuration: new Histogram({
      name: "scrollintel_query_duration_seconds",
      help: "Query runs in the worker, by final status",
      labelNames: ["status"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    queryEngine: new Histogram({
      name: "scrollintel_query_engine_seconds",
      help: "Time DuckDB spent on a successful query (engine time, without queueing and storing)",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    queryScanBytes: new Counter({
      name: "scrollintel_query_scan_bytes_total",
      help: "Bytes metered as scanned by queries",
      registers,
    }),
    workerSlots: new Gauge({
      name: "scrollintel_worker_slots_in_use",
      help: "Job slots of this worker in use, by tenant: the busiest tenants by id, the rest as 'other'",
      labelNames: ["tenant"] as const,
      registers,
      collect() {
        this.reset();
        for (const [tenant, n] of slots.top()) this.set({ tenant }, n);
      },
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

const g = globalThis as unknown as { scrollintelWorkerMetrics?: WorkerMetrics };

/** The worker process's metrics (one set per process). */
export function workerMetrics(): WorkerMetrics {
  g.scrollintelWorkerMetrics ??= createWorkerMetrics();
  return g.scrollintelWorkerMetrics;
}
