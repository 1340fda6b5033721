import { reconnectDelay } from "../db/patient-pool";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const RETRYABLE_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "ThrottlingException",
  "Throttling",
]);

/** An object-store failure worth trying again: unreachable, overloaded or throttled (5xx, 429). */
export function isTransientStorageError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const err = e as {
    code?: unknown;
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    cause?: unknown;
  };
  if (typeof err.code === "string" && NETWORK_CODES.has(err.code)) return true;
  if (typeof err.name === "string" && RETRYABLE_NAMES.has(err.name)) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (err.$retryable) return true;
  return isTransientStorageError(err.cause, depth + 1);
}

/**
 * Runs an idempotent storage call again on transient failures, with backoff
 * (at most 5 s apart), for up to `waitMs` in all; then the last error stands,
 * so a long outage fails the job (which graphile-worker retries) instead of
 * hanging it.
 */
export async function withStorageRetry<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const left = deadline - Date.now();
      if (left <= 0 || !isTransientStorageError(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.min(left, reconnectDelay(attempt + 2))));
    }
  }
}
