import { runWithLogFields } from "@scrollintel/core/log-context";
import { routeLabel, webMetrics } from "@scrollintel/core/metrics/web-metrics";
import { extractTraceContext, SpanKind, withSpan } from "@scrollintel/core/tracing";
import type { RequestScope } from "./request-scope";

/**
 * Around every request of tRPC, tus and the plain routes: the request's ids
 * on every log line (its tenant and user join once known), a server span
 * (continuing the caller's `traceparent` if it sent one), the latency
 * histogram by route and status, and one access line.
 */
export async function observeRequest(
  req: Request,
  scope: RequestScope,
  handle: () => Promise<Response>,
): Promise<Response> {
  const route = routeLabel(new URL(req.url).pathname);
  const t0 = performance.now();
  const parent = extractTraceContext({
    traceparent: req.headers.get("traceparent") ?? undefined,
    tracestate: req.headers.get("tracestate") ?? undefined,
  });
  return runWithLogFields({ requestId: scope.requestId }, () =>
    withSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, parent, attributes: { "http.request.method": req.method, "http.route": route } },
      async (span) => {
        let status = 500;
        try {
          const res = await handle();
          status = res.status;
          return res;
        } finally {
          const seconds = (performance.now() - t0) / 1000;
          span.setAttribute("http.response.status_code", status);
          span.setAttribute("scrollintel.request_id", scope.requestId);
          webMetrics().httpDuration.observe({ route, method: req.method, status: String(status) }, seconds);
          scope.log.info({ method: req.method, route, status, ms: Math.round(seconds * 1000) }, "request");
        }
      },
    ),
  );
}
