import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { busy, DomainError, isDomainError, unavailable } from "@scrollintel/core/errors";
import { findInfraOutage, POOL_WAIT_REASON } from "@scrollintel/core/infra-outage";
import type { Logger } from "@scrollintel/core/logger";
import { ERROR_TABLE, INTERNAL, internalMessage, type ErrorMapping } from "./error-table";

/** What an edge answers for an error, whichever edge it is. */
export interface EdgeError extends ErrorMapping {
  message: string;
  retryAfter?: number;
  /** A bug or an unknown failure: logged with its stack under the request id. */
  unexpected: boolean;
}

/**
 * Values PostgreSQL refused as data (out of range, NUL, untranslatable): the
 * edges check inputs first, this is the net behind them, so such a request
 * is a 400, never a 500.
 */
const BAD_VALUE_SQLSTATES = new Set(["22003", "22021", "22P05"]);
const BAD_VALUE_PRISMA = new Set(["P2020", "P2033"]);

function isBadValue(e: unknown): boolean {
  for (let cur = e as Record<string, unknown> | undefined, i = 0; cur && i < 8; i++) {
    const code = typeof cur.code === "string" ? cur.code : "";
    if (BAD_VALUE_SQLSTATES.has(code) || BAD_VALUE_PRISMA.has(code) || cur.kind === "ValueOutOfRange") return true;
    const meta = cur.meta as { driverAdapterError?: unknown } | undefined;
    cur = (meta?.driverAdapterError ?? cur.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

function fromDomain(e: DomainError): EdgeError {
  const retryAfter = e.details?.retryAfter;
  return {
    ...ERROR_TABLE[e.code],
    message: e.message,
    retryAfter: typeof retryAfter === "number" ? retryAfter : undefined,
    unexpected: false,
  };
}

/** Maps any error to the edge's answer through the one table. */
export function classifyError(e: unknown, requestId: string): EdgeError {
  if (isDomainError(e)) return fromDomain(e);
  if (e instanceof TRPCError && e.code !== "INTERNAL_SERVER_ERROR") {
    return { trpc: e.code, http: getHTTPStatusCodeFromError(e), message: e.message, unexpected: false };
  }
  const outage = findInfraOutage(e);
  // No pool connection in time: this process has more requests than connections, the database is fine.
  if (outage?.reason === POOL_WAIT_REASON) return fromDomain(busy());
  if (outage) return fromDomain(unavailable());
  if (isBadValue(e)) {
    return fromDomain(
      new DomainError("BAD_REQUEST", "A value in this request cannot be stored (out of range or not text)."),
    );
  }
  return { ...INTERNAL, message: internalMessage(requestId), unexpected: true };
}

/** The server-side half: a bug is logged with its cause and stack, an outage as one warning line. */
export function logEdgeError(log: Logger, e: unknown, edge: EdgeError): void {
  if (edge.unexpected) log.error({ err: e }, "unexpected error");
  else if (edge.http === 503) {
    // One line per refused request while a dependency is down: its reason, not a stack.
    log.warn(
      { outage: findInfraOutage(e), cause: e instanceof Error ? e.message : String(e) },
      "dependency unavailable",
    );
  }
}
