import { webConfig } from "@/env";
import { getSystemStatus } from "@/server/system/system-status";
import { platformProcedure } from "../../init";

/** Where the worker's metrics are: WORKER_METRICS_URL (comma-separated for several workers), else the local health port. */
function workerMetricsUrls(): string[] {
  const c = webConfig();
  const list = (c.WORKER_METRICS_URL ?? "").split(",").map((s) => s.trim());
  const urls = list.filter(Boolean);
  return urls.length ? urls : [`http://127.0.0.1:${c.WORKER_HEALTH_PORT}/metrics`];
}

/** The System page: health of web and workers, queue, throughput and errors, from the processes' metrics. */
export const getSystemStatusProcedure = platformProcedure.query(({ ctx }) =>
  getSystemStatus({ db: ctx.db, workerMetricsUrls: workerMetricsUrls(), metricsToken: webConfig().METRICS_TOKEN }),
);
