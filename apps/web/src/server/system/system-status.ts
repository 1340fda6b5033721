import type { Db } from "@scrollintel/core/db/client";
import { getPoolOf } from "@scrollintel/core/db/sql";
import { parsePrometheus, sumOf, type Sample } from "@scrollintel/core/metrics/parse-prometheus";
import { readQueueDepth, type QueueRow } from "@scrollintel/core/metrics/queue-metrics";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import { recordSample, type HistoryPoint } from "./system-history";

export interface ProcessStatus {
  name: string;
  kind: "web" | "worker";
  up: boolean;
  /** Why a process is shown down (unreachable, refused the token), never a stack. */
  problem: string | null;
  rssBytes: number | null;
  uptimeSeconds: number | null;
}

export interface SystemStatus {
  at: string;
  processes: ProcessStatus[];
  queue: QueueRow[];
  /** Where the queue figures come from: a worker's metrics, or PostgreSQL when no worker answers. */
  queueSource: "worker" | "database";
  slots: { tenant: string; slots: number }[];
  history: HistoryPoint[];
}

export interface SystemDeps {
  db: Db;
  workerMetricsUrls: string[];
  metricsToken: string | undefined;
}

async function scrape(url: string, token: string | undefined): Promise<Sample[] | string> {
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    if (res.status === 401 || res.status === 404) return "its metrics refused the token (set METRICS_TOKEN on both)";
    if (!res.ok) return `its metrics answered ${res.status}`;
    return parsePrometheus(await res.text());
  } catch {
    return "not answering";
  }
}

function processOf(name: string, kind: ProcessStatus["kind"], s: Sample[] | string): ProcessStatus {
  if (typeof s === "string") return { name, kind, up: false, problem: s, rssBytes: null, uptimeSeconds: null };
  const start = sumOf(s, "process_start_time_seconds");
  return {
    name,
    kind,
    up: true,
    problem: null,
    rssBytes: sumOf(s, "process_resident_memory_bytes"),
    uptimeSeconds: start ? Math.max(0, Date.now() / 1000 - start) : null,
  };
}

/** Queue rows from a worker's series (all workers read the same table: the first that answered). */
function queueFrom(s: Sample[]): QueueRow[] {
  const rows = new Map<string, QueueRow>();
  for (const x of s) {
    const task = x.labels.task;
    if (!task || (x.name !== "scrollintel_job_queue_depth" && x.name !== "scrollintel_job_queue_oldest_wait_seconds"))
      continue;
    const row = rows.get(task) ?? { task, waiting: 0, running: 0, scheduled: 0, failed: 0, oldestWaitSeconds: 0 };
    if (x.name === "scrollintel_job_queue_oldest_wait_seconds") row.oldestWaitSeconds = x.value;
    else if (x.labels.state && x.labels.state in row)
      (row as unknown as Record<string, number>)[x.labels.state] = x.value;
    rows.set(task, row);
  }
  return [...rows.values()].sort((a, b) => a.task.localeCompare(b.task));
}

/**
 * The operator's System page: this web process and every configured worker
 * from their own metrics (the series Prometheus scrapes), the job queue, and
 * rates computed between successive looks.
 */
export async function getSystemStatus(deps: SystemDeps): Promise<SystemStatus> {
  const web = parsePrometheus(await webMetrics().registry.metrics());
  const workers = await Promise.all(deps.workerMetricsUrls.map((u) => scrape(u, deps.metricsToken)));
  const live = workers.filter((w): w is Sample[] => typeof w !== "string");
  const queue = live.length ? queueFrom(live[0]!) : await readQueueDepth(getPoolOf(deps.db)).catch(() => []);
  const slots = new Map<string, number>();
  for (const w of live)
    for (const x of w)
      if (x.name === "scrollintel_worker_slots_in_use")
        slots.set(x.labels.tenant ?? "?", (slots.get(x.labels.tenant ?? "?") ?? 0) + x.value);
  const history = recordSample({
    requests: sumOf(web, "scrollintel_http_request_duration_seconds_count"),
    errors: sumOf(web, "scrollintel_http_request_duration_seconds_count", { status: /^5/ }),
    jobs: live.reduce((n, w) => n + sumOf(w, "scrollintel_job_duration_seconds_count"), 0),
    jobErrors: live.reduce((n, w) => n + sumOf(w, "scrollintel_job_duration_seconds_count", { outcome: "error" }), 0),
    queueWaiting: queue.reduce((n, r) => n + r.waiting, 0),
  });
  return {
    at: new Date().toISOString(),
    processes: [
      processOf("Web (this process)", "web", web),
      ...workers.map((w, i) =>
        processOf(`Worker ${deps.workerMetricsUrls.length > 1 ? i + 1 : ""}`.trim(), "worker", w),
      ),
    ],
    queue,
    queueSource: live.length ? "worker" : "database",
    slots: [...slots].map(([tenant, n]) => ({ tenant, slots: n })).sort((a, b) => b.slots - a.slots),
    history,
  };
}
