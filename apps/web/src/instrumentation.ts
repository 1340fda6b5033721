/** Next.js calls this once per server process before it serves requests (not during `next build`). */
export async function register(): Promise<void> {
  // The edge runtime has no sockets; only the Node server has requests to stamp, a start to check and traces.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // Each request's socket address, stamped before any handler reads it (client-ip.ts).
  const { recordSocketAddress } = await import("./server/http/client-ip");
  recordSocketAddress();
  const { checkWebStart } = await import("./server/boot");
  await checkWebStart();
  // Config is validated; tracing starts when OTEL_* asks for it.
  const { webConfig } = await import("./env");
  const { startTracing } = await import("@scrollintel/core/tracing-setup");
  startTracing({ serviceName: "scrollintel-web", config: webConfig() });
  // Past its capacity the web answers tRPC 429 at once instead of queueing every request.
  const { shedWhenBusy } = await import("./server/http/overload-guard");
  const { createLogger } = await import("@scrollintel/core/logger");
  shedWhenBusy(webConfig().WEB_MAX_BUSY_REQUESTS, createLogger({ name: "web", level: webConfig().LOG_LEVEL }));
  // A stop signal ends the process within the grace, whatever connection is left open.
  const { boundShutdown } = await import("./server/bound-shutdown");
  boundShutdown(webConfig().WEB_SHUTDOWN_GRACE_MS);
}
