import http from "node:http";
import type { Db } from "@scrollintel/core/db/client";
import { checkHealth } from "@scrollintel/core/services/health-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

/**
 * The worker's health port: GET /health -> 200 with DB, queue and storage
 * status, or 503 (degraded) while PostgreSQL or storage does not answer.
 * `db` should fail fast rather than wait an outage out.
 */
export function startHealthServer(opts: { db: Db; storage: StorageDriver; port: number }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== "/health") {
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
    server.listen(opts.port, "127.0.0.1", () => resolve(server));
  });
}
