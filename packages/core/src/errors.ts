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
  | "UNAVAILABLE";

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

/** The error an outage becomes at any edge (HTTP 503 with Retry-After). */
export function unavailable(): DomainError {
  return new DomainError("UNAVAILABLE", OUTAGE_MESSAGE, { retryAfter: OUTAGE_RETRY_AFTER_S });
}
