/** Codes every layer agrees on; the web maps them to HTTP/tRPC codes in one table (server/http/error-table.ts). */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "QUOTA_EXCEEDED"
  | "RATE_LIMITED"
  | "LOCKED"
  /** The data is in the cold tier: restore it first (tiering). */
  | "ARCHIVED"
  | "UNAVAILABLE"
  /** The client closed the request before its answer: nothing is left to answer (HTTP 499). */
  | "CLIENT_GONE";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export function notFound(what: string): DomainError {
  return new DomainError("NOT_FOUND", `${what} not found`);
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** Seconds a client should wait before retrying while a dependency (PostgreSQL, storage) is down. */
export const OUTAGE_RETRY_AFTER_S = 5;

/** What an API client reads during an outage: nothing about hosts, ports or drivers. */
export const OUTAGE_MESSAGE = "ScrollIntel is briefly unavailable; retry in a few seconds.";

/**
 * More requests than this process can serve at once: none of its database
 * connections came free in time. The client retries (HTTP 429 + Retry-After);
 * nothing is down, so not a 503.
 */
export function busy(): DomainError {
  return new DomainError("RATE_LIMITED", "ScrollIntel is busy; retry in a moment.", { retryAfter: 1 });
}

/** The request's client left: the work for it stops before its next connection or procedure. */
export function clientGone(): DomainError {
  return new DomainError("CLIENT_GONE", "The client closed the request.");
}

/** The error an outage becomes at any edge (HTTP 503 with Retry-After). */
export function unavailable(): DomainError {
  return new DomainError("UNAVAILABLE", OUTAGE_MESSAGE, { retryAfter: OUTAGE_RETRY_AFTER_S });
}
