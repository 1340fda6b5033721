import type pg from "pg";
import { Gauge, type Registry } from "prom-client";

/**
 * PostgreSQL pool use, read from the pools' own counters when scraped (no
 * query). `pools` maps a pool's name (app, probe, jobs) to the pool.
 */
export function registerPoolMetrics(registry: Registry, pools: () => Record<string, pg.Pool>): void {
  new Gauge({
    name: "scrollintel_pg_pool_connections",
    help: "PostgreSQL pool connections by pool and state (total, idle, waiting = clients queued for one)",
    labelNames: ["pool", "state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, p] of Object.entries(pools())) {
        this.set({ pool: name, state: "total" }, p.totalCount);
        this.set({ pool: name, state: "idle" }, p.idleCount);
        this.set({ pool: name, state: "waiting" }, p.waitingCount);
      }
    },
  });
}
