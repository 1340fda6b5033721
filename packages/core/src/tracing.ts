import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";

export { SpanKind };

/** The one tracer; a no-op until startTracing registers a provider (tracing is off by default). */
export const tracer = () => trace.getTracer("scrollintel");

/**
 * Runs `fn` in a span (a child of the active one, or of `parent`), ending it
 * when `fn` settles and recording an exception. With tracing off this costs a
 * no-op span.
 */
export function withSpan<T>(
  name: string,
  opts: { attributes?: Attributes; kind?: SpanKind; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(name, { attributes: opts.attributes, kind: opts.kind }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** W3C trace context of the active span (`traceparent`), to carry in a job row; absent when not tracing. */
export function injectTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a job row or a request header carries. */
export function extractTraceContext(carrier: Record<string, string | undefined> | undefined | null): Context {
  if (!carrier) return context.active();
  return propagation.extract(context.active(), carrier, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
}

/** The active span's trace and span ids, for log lines; absent when not tracing. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const c = span.spanContext();
  return trace.isSpanContextValid(c) ? { traceId: c.traceId, spanId: c.spanId } : undefined;
}
