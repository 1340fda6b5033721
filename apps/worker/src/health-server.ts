import http from "node:http";
import type { Registry } from "prom-client";
import type { Db } from "@scrollintel/core/db/client";
import { checkMetricsToken, METRICS_REFUSAL } from "@scrollintel/core/metrics/metrics-token";
import { checkHealth } from "@scrollintel/core/services/health-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

export interface HealthServerOptions {
  db: Db;
  storage: StorageDriver;
  port: number;
  /** Where it listens; 127.0.0.1 unless the deployment puts Prometheus on another host. */
  host?: string;
  /** GET /metrics: this registry, for a caller with the token (none configured: refused). */
  metrics?: { registry: Registry; token: string | undefined };
}

/** GET /metrics: Prometheus text, behind METRICS_TOKEN like the web's /api/metrics. */
function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse, m: HealthServerOptions["metrics"]): void {
  const access = m ? checkMetricsToken(m.token, req.headers.authorization) : "disabled";
  if (access !== "ok" || !m) {
    const r = METRICS_REFUSAL[access === "ok" ? "disabled" : access];
    res.writeHead(r.status, { "content-type": "text/plain; charset=utf-8" }).end(r.body);
    return;
  }
  m.registry.metrics().then(
    (text) => res.writeHead(200, { "content-type": m.registry.contentType, "cache-control": "no-store" }).end(text),
    () => res.writeHead(500).end(),
  );
}

/**
 * The worker's health port: GET /health -> 200 with DB, queue and storage
 * status, or 503 (degraded) while PostgreSQL or storage does not answer.
 * `db` should fail fast rather than wait an outage out. GET /metrics for
 * Prometheus.
 */
export function startHealthServer(opts: HealthServerOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? "").split("?")[0];
    if (url === "/metrics" && req.method === "GET") return serveMetrics(req, res, opts.metrics);
    if (url !== "/health") {
      res.writeHead(404).end();
      return;
    }
    void checkHealth(opts.db, { storage: opts.storage }).then((h) => {
      res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(h));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e) =>
      reject(new Error(`worker health port ${opts.port}: ${e.message} (set WORKER_HEALTH_PORT)`)),
    );
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve(server));
  });
}
