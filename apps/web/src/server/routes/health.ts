import { checkHealth } from "@scrollintel/core/services/health-service";
import type { EdgeCall } from "@/server/http/edge-route";

/**
 * 200 when the web can reach its database, else 503: the report without its
 * error text (a host and port are nobody's business), which goes to the log.
 */
export async function reportHealth({ deps, log }: EdgeCall<object>): Promise<Response> {
  const { error, ...report } = await checkHealth(deps.db);
  if (!report.ok) log.warn({ error }, "health: degraded");
  return Response.json(report, { status: report.ok ? 200 : 503 });
}
