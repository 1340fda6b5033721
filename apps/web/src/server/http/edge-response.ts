import type { Logger } from "@scrollintel/core/logger";
import { classifyError, logEdgeError } from "./classify-error";
import { OUTAGE_RETRY_AFTER_S } from "@scrollintel/core/errors";

/** A one-line text answer, for routes outside tRPC. */
export function plainResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/** Any error as a plain route's answer: through the table, logged when it is a bug or an outage. */
export function errorResponse(
  e: unknown,
  scope: { requestId: string; log: Logger },
  headers: Record<string, string> = {},
): Response {
  const edge = classifyError(e, scope.requestId);
  logEdgeError(scope.log, e, edge);
  const all: Record<string, string> = { ...headers };
  if (edge.retryAfter !== undefined) all["Retry-After"] = String(edge.retryAfter);
  return plainResponse(edge.http, edge.message, all);
}

/**
 * Every answer carries its request id; a 503 always says when to retry (tus
 * answers its own 503s without one).
 */
export function addEdgeHeaders(res: Response, requestId: string): Response {
  let out = res;
  try {
    out.headers.set("X-Request-Id", requestId);
  } catch {
    out = new Response(res.body, res); // immutable headers (a fetched Response): copy them
    out.headers.set("X-Request-Id", requestId);
  }
  if (out.status === 503 && !out.headers.has("Retry-After"))
    out.headers.set("Retry-After", String(OUTAGE_RETRY_AFTER_S));
  return out;
}
