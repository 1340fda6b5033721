import http from "node:http";
import type { Db } from "@scrollintel/core/db/client";
import { checkHealth } from "@scrollintel/core/services/health-service";

/** The worker's health port: GET /health -> DB and queue status. */
export function startHealthServer(db: Db, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== "/health") {
      res.writeHead(404).end();
      return;
    }
    void checkHealth(db).then((h) => {
      res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(h));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e) => reject(new Error(`worker health port ${port}: ${e.message} (set WORKER_HEALTH_PORT)`)));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
