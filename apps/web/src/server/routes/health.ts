import { checkHealth } from "@scrollintel/core/services/health-service";
import type { EdgeCall } from "@/server/http/edge-route";

/**
 * Liveness: 200 whenever this process answers HTTP, without touching the
 * database. It asked PostgreSQL before, so under load it waited for a pool
 * connection and answered 503 while the process was fine; whether the web
 * can serve is readiness, below.
 */
export function reportLiveness(): Promise<Response> {
  return Promise.resolve(Response.json({ ok: true }));
}

/**
 * Readiness: 200 when the web can reach its database, else 503: the report
 * without its error text (a host and port are nobody's business), which goes
 * to the log.
 */
export async function reportReadiness({ deps, log }: EdgeCall<object>): Promise<Response> {
  const { error, ...report } = await checkHealth(deps.db);
  if (!report.ok) log.warn({ error }, "health: degraded");
  return Response.json(report, { status: report.ok ? 200 : 503 });
}
