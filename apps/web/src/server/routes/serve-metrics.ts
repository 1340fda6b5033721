import type { Pool } from "pg";
import { getPoolOf } from "@scrollintel/core/db/sql";
import { checkMetricsToken, METRICS_REFUSAL } from "@scrollintel/core/metrics/metrics-token";
import { registerPoolMetrics } from "@scrollintel/core/metrics/pool-metrics";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import type { EdgeCall } from "@/server/http/edge-route";
import { plainResponse } from "@/server/http/edge-response";

const registered = new WeakSet<object>();
let lastDb: object | null = null;

/**
 * GET /api/metrics: this web process's Prometheus metrics, for a scraper
 * holding METRICS_TOKEN (Authorization: Bearer …). Everything is read from
 * memory (counters, pool counts): a scrape costs no database query.
 */
export function createServeMetrics(token: () => string | undefined) {
  return async ({ req, deps }: EdgeCall<object>): Promise<Response> => {
    const access = checkMetricsToken(token(), req.headers.get("authorization"));
    if (access !== "ok") return plainResponse(METRICS_REFUSAL[access].status, METRICS_REFUSAL[access].body.trim());
    const m = webMetrics();
    lastDb = deps.db;
    if (!registered.has(m.registry)) {
      registered.add(m.registry);
      registerPoolMetrics(m.registry, (): Record<string, Pool> => (lastDb ? { app: getPoolOf(lastDb) } : {}));
    }
    return new Response(await m.registry.metrics(), {
      headers: { "content-type": m.registry.contentType, "cache-control": "no-store" },
    });
  };
}
