import { TRPCError } from "@trpc/server";
import type { DomainError, DomainErrorCode } from "@scrollintel/core/errors";

const CODES: Record<DomainErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  QUOTA_EXCEEDED: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  LOCKED: "CONFLICT",
};

/** The one place domain codes become tRPC codes. */
export function toTrpcError(e: DomainError): TRPCError {
  return new TRPCError({ code: CODES[e.code], message: e.message, cause: e });
}

/** HTTP status for the same codes, for routes outside tRPC (uploads, downloads, audit export). */
export const HTTP_STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 413,
  RATE_LIMITED: 429,
  LOCKED: 423,
};

/** A one-line text answer, for routes outside tRPC. */
export function plainResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/** A domain error outside tRPC: its status, its message, and Retry-After when it has one (as tRPC sends). */
export function domainErrorResponse(e: DomainError, headers: Record<string, string> = {}): Response {
  const retryAfter = e.details?.retryAfter;
  return plainResponse(HTTP_STATUS[e.code], e.message, {
    ...headers,
    ...(retryAfter !== undefined ? { "Retry-After": String(retryAfter) } : {}),
  });
}
