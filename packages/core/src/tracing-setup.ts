import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Config } from "./config";

type OtelConfig = Pick<
  Config,
  "OTEL_SDK_DISABLED" | "OTEL_TRACES_EXPORTER" | "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
> & { OTEL_SERVICE_NAME?: string };

/** Tracing is off unless an OTLP exporter is asked for, by OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint. */
export function tracingWanted(c: OtelConfig): boolean {
  if (c.OTEL_SDK_DISABLED || c.OTEL_TRACES_EXPORTER === "none") return false;
  return (
    c.OTEL_TRACES_EXPORTER === "otlp" || Boolean(c.OTEL_EXPORTER_OTLP_ENDPOINT || c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  );
}

const g = globalThis as unknown as { scrollintelTracer?: NodeTracerProvider };

/**
 * Registers the process's tracer provider once: OTLP over HTTP (the exporter
 * reads the standard OTEL_EXPORTER_OTLP_* variables itself) through a batch
 * processor, so spans are sent in the background and a slow or absent
 * collector never holds a request. Tests pass their own exporter.
 */
export function startTracing(opts: {
  serviceName: string;
  config: OtelConfig;
  exporter?: SpanExporter;
}): NodeTracerProvider | null {
  if (g.scrollintelTracer) return g.scrollintelTracer;
  if (!opts.exporter && !tracingWanted(opts.config)) return null;
  const processor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter(), { maxQueueSize: 2048, exportTimeoutMillis: 10_000 });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": opts.config.OTEL_SERVICE_NAME ?? opts.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  g.scrollintelTracer = provider;
  return provider;
}
export { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
