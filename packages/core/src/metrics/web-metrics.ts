import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** Seconds; the top bucket is past the longest wait a request holds (a query.run of 30 s). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function createWebMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "web" });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: "scrollintel_http_request_duration_seconds",
      help: "HTTP requests of the web by route (a fixed set of names), method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    trpcDuration: new Histogram({
      name: "scrollintel_trpc_procedure_duration_seconds",
      help: "tRPC procedure calls by procedure path, type and result code (OK or the tRPC error code)",
      labelNames: ["procedure", "type", "code"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    uploadBytes: new Counter({
      name: "scrollintel_upload_bytes_total",
      help: "Bytes received by the tus endpoint (PATCH bodies written to storage)",
      registers,
    }),
    shedRequests: new Counter({
      name: "scrollintel_http_requests_shed_total",
      help: "Requests answered 429 at the door: the web already worked on WEB_MAX_BUSY_REQUESTS others",
      labelNames: ["route"] as const,
      registers,
    }),
  };
}

export type WebMetrics = ReturnType<typeof createWebMetrics>;

// One set per process: Next may load this module once per route bundle, and a
// second registry would split the counts.
const g = globalThis as unknown as { scrollintelWebMetrics?: WebMetrics };

export function webMetrics(): WebMetrics {
  g.scrollintelWebMetrics ??= createWebMetrics();
  return g.scrollintelWebMetrics;
}

const ROUTES: [RegExp, string][] = [
  [/^\/api\/trpc(\/|$)/, "/api/trpc"],
  [/^\/api\/uploads(\/|$)/, "/api/uploads"],
  [/^\/api\/queries\/[^/]+\/download$/, "/api/queries/:id/download"],
  [/^\/api\/audit\/export$/, "/api/audit/export"],
  [/^\/api\/health$/, "/api/health"],
  [/^\/api\/health\/ready$/, "/api/health/ready"],
  [/^\/api\/metrics$/, "/api/metrics"],
  [/^\/api\/events(\/|$)/, "/api/events"],
];

/** A route's label: ids and upload paths folded into a fixed set, so the label set stays bounded. */
export function routeLabel(pathname: string): string {
  for (const [re, name] of ROUTES) if (re.test(pathname)) return name;
  return pathname.startsWith("/api/") ? "/api/other" : "other";
}
