import type { TRPCError } from "@trpc/server";
import type { DomainErrorCode } from "@scrollintel/core/errors";

export interface ErrorMapping {
  trpc: TRPCError["code"];
  http: number;
}

/**
 * The one table from a domain error code to what every edge answers: tRPC
 * (its code decides the HTTP status), tus and the plain routes (the status).
 * LOCKED is 423 outside tRPC because tus clients retry on it; tRPC has no
 * 423, so there it is CONFLICT (409).
 */
export const ERROR_TABLE: Record<DomainErrorCode, ErrorMapping> = {
  BAD_REQUEST: { trpc: "BAD_REQUEST", http: 400 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  QUOTA_EXCEEDED: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  LOCKED: { trpc: "CONFLICT", http: 423 },
  ARCHIVED: { trpc: "PRECONDITION_FAILED", http: 412 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  // nginx's "client closed request": nobody reads it, but logs and metrics tell it from an error.
  CLIENT_GONE: { trpc: "CLIENT_CLOSED_REQUEST", http: 499 },
};

/** An unexpected error: the only thing the client learns is where to find it in the log. */
export const INTERNAL: ErrorMapping = { trpc: "INTERNAL_SERVER_ERROR", http: 500 };

export function internalMessage(requestId: string): string {
  return `Internal error (request id ${requestId})`;
}
