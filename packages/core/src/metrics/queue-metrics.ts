import type pg from "pg";
import { Gauge, type Registry } from "prom-client";

export interface QueueRow {
  task: string;
  waiting: number;
  running: number;
  scheduled: number;
  failed: number;
  oldestWaitSeconds: number;
}

/**
 * The job queue by task, straight from graphile-worker's tables: waiting
 * (due, unlocked), running (locked), scheduled (due later), failed (attempts
 * used up, kept for inspection) and the age of the oldest due job.
 */
export async function readQueueDepth(pool: pg.Pool): Promise<QueueRow[]> {
  const { rows } = await pool.query<{
    task: string;
    waiting: string;
    running: string;
    scheduled: string;
    failed: string;
    oldest: number | null;
  }>(`
    SELECT t.identifier AS task,
      count(*) FILTER (WHERE j.locked_at IS NULL AND j.attempts < j.max_attempts AND j.run_at <= now()) AS waiting,
      count(*) FILTER (WHERE j.locked_at IS NOT NULL) AS running,
      count(*) FILTER (WHERE j.locked_at IS NULL AND j.attempts < j.max_attempts AND j.run_at > now()) AS scheduled,
      count(*) FILTER (WHERE j.attempts >= j.max_attempts) AS failed,
      extract(epoch FROM now() - min(j.run_at) FILTER (
        WHERE j.locked_at IS NULL AND j.attempts < j.max_attempts AND j.run_at <= now()))::float8 AS oldest
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    GROUP BY t.identifier`);
  return rows.map((r) => ({
    task: r.task,
    waiting: Number(r.waiting),
    running: Number(r.running),
    scheduled: Number(r.scheduled),
    failed: Number(r.failed),
    oldestWaitSeconds: Math.max(0, r.oldest ?? 0),
  }));
}

/** Scrapes within this long share one read of the queue. */
const CACHE_MS = 5000;

/**
 * Queue depth and lag gauges, read once per scrape (at most every 5 s), never
 * per request. A failed read leaves the series out and counts the failure.
 */
export function registerQueueMetrics(registry: Registry, pool: () => pg.Pool): void {
  let cached: { at: number; rows: Promise<QueueRow[]> } | null = null;
  const rows = () => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      cached = { at: Date.now(), rows: readQueueDepth(pool()) };
      cached.rows.catch(() => (cached = null));
    }
    return cached.rows;
  };
  const readErrors = new Gauge({
    name: "scrollintel_job_queue_read_errors",
    help: "1 when the last read of the job queue for these metrics failed",
    registers: [registry],
  });
  new Gauge({
    name: "scrollintel_job_queue_depth",
    help: "Jobs in the queue by task and state (waiting, running, scheduled, failed)",
    labelNames: ["task", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await rows()) {
          for (const state of ["waiting", "running", "scheduled", "failed"] as const)
            this.set({ task: r.task, state }, r[state]);
        }
        readErrors.set(0);
      } catch {
        readErrors.set(1);
      }
    },
  });
  new Gauge({
    name: "scrollintel_job_queue_oldest_wait_seconds",
    help: "Age of the oldest due job that no worker has taken, by task (queue lag)",
    labelNames: ["task"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await rows().catch(() => [])) this.set({ task: r.task }, r.oldestWaitSeconds);
    },
  });
}
