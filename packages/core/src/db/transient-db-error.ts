/**
 * Errors that mean "PostgreSQL is not reachable right now" (restarting,
 * failing over, network cut), as opposed to a bug or a refused statement.
 * The worker waits these out instead of exiting; anything else stays fatal.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** SQLSTATE class 08 (connection exception), shutdown and start-up states, too many connections. */
const PG_CODES = /^(08\w{3}|57P01|57P02|57P03|53300)$/;

/** Prisma's own codes for an unreachable or closed server, and driver-adapter kinds. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

const MESSAGES =
  /Connection terminated|Client has encountered a connection error|Client was closed|terminating connection due to|server closed the connection|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|Can't reach database server|Server has closed the connection|timeout exceeded when trying to connect|Connection ended unexpectedly/i;

export function isTransientDbError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const err = e as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof err.code === "string" && (NETWORK_CODES.has(err.code) || PG_CODES.test(err.code))) return true;
  if (typeof err.code === "string" && PRISMA_CODES.has(err.code)) return true;
  if (typeof err.kind === "string" && ADAPTER_KINDS.has(err.kind)) return true;
  if (typeof err.message === "string" && MESSAGES.test(err.message)) return true;
  if (Array.isArray(err.errors) && err.errors.length && err.errors.every((x) => isTransientDbError(x, depth + 1)))
    return true;
  return isTransientDbError(err.cause, depth + 1);
}
