/**
 * Is this error a dependency being down (PostgreSQL, object storage) rather
 * than a bug or a bad request? Both apps ask: the web answers 503 with
 * Retry-After, the worker backs off and retries instead of failing a job.
 * Errors arrive wrapped (Prisma → driver adapter → pg → socket; AWS SDK →
 * socket), so the whole cause chain is searched.
 */
export interface InfraOutage {
  dependency: "database" | "storage";
  /** A short, log-only reason (a code), never shown to clients. */
  reason: string;
}

/** Node socket errors: the peer is gone, refusing, or unreachable. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/**
 * Prisma: P1001 can't reach, P1002 timed out, P1008 operation timed out,
 * P1017 server closed the connection, P2024 no pool connection in time.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/**
 * Prisma's interactive transaction found no pool connection within maxWait
 * (the pool is exhausted or the server unreachable): P2024's case, reported
 * as P2028. The worker backs off; the web answers 429 + Retry-After (busy).
 */
const POOL_WAIT = /Unable to start a transaction in the given time/;

/** The reason given for POOL_WAIT: the web answers it as busy (429), not as an outage. */
export const POOL_WAIT_REASON = "P2028 pool wait";

/** Prisma driver-adapter error kinds that mean the connection, not the statement, failed. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/**
 * SQLSTATEs: class 08 connection exceptions; 57P01 admin shutdown, 57P02
 * crash shutdown, 57P03 cannot connect now (starting up or recovering);
 * 53300 too many connections.
 */
function isOutageSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code);
}

/** pg's and Prisma's own messages when the server vanishes mid-conversation (no code attached). */
const PG_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|server closed the connection|terminating connection due to|the database system is (?:shutting down|starting up|in recovery mode|not yet accepting connections)/i;

/** AWS SDK v3: server-side faults and throttling are the storage's problem, not the request's. */
const STORAGE_NAMES = new Set([
  "ServiceUnavailable",
  "SlowDown",
  "InternalError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ThrottlingException",
  "Throttling",
]);

interface Shape {
  code?: unknown;
  kind?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

function isAwsError(e: Shape): boolean {
  return e.$metadata !== undefined || e.$fault !== undefined;
}

function classifyOne(e: Shape): InfraOutage | null {
  const code = typeof e.code === "string" ? e.code : "";
  const aws = isAwsError(e);
  if (aws && (e.$fault === "server" || STORAGE_NAMES.has(String(e.name)))) {
    return { dependency: "storage", reason: String(e.name) };
  }
  if (aws && e.$retryable) return { dependency: "storage", reason: String(e.name) };
  const status = e.$metadata?.httpStatusCode;
  if (aws && typeof status === "number" && (status >= 500 || status === 429)) {
    return { dependency: "storage", reason: `HTTP ${status}` };
  }
  if (PRISMA_CODES.has(code)) return { dependency: "database", reason: code };
  // P2028 is also "transaction already closed" (a bug); only the wait for a connection is an outage.
  if (code === "P2028" && typeof e.message === "string" && POOL_WAIT.test(e.message)) {
    return { dependency: "database", reason: POOL_WAIT_REASON };
  }
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return { dependency: "database", reason: e.kind };
  if (e.kind === "postgres" && isOutageSqlState(code)) return { dependency: "database", reason: code };
  if (/^[0-9A-Z]{5}$/.test(code) && isOutageSqlState(code)) return { dependency: "database", reason: code };
  if (SOCKET_CODES.has(code)) return { dependency: aws ? "storage" : "database", reason: code };
  if (typeof e.message === "string" && PG_MESSAGES.test(e.message)) return { dependency: "database", reason: "pg" };
  return null;
}

function linked(e: Shape): unknown[] {
  return [e.cause, e.meta?.driverAdapterError];
}

/**
 * The outage behind `e`, searching its causes; null when it is not one. An
 * aggregate (several connection attempts, a batch of jobs) is an outage only
 * when every error in it is one: a bug beside a reset socket stays a bug.
 */
export function findInfraOutage(e: unknown, depth = 0): InfraOutage | null {
  const seen = new Set<unknown>();
  const todo: unknown[] = [e];
  while (todo.length > 0 && seen.size < 32 && depth < 4) {
    const cur = todo.shift();
    if (!cur || typeof cur !== "object" || seen.has(cur)) continue;
    seen.add(cur);
    const shape = cur as Shape;
    const hit = classifyOne(shape);
    if (hit) return hit;
    if (Array.isArray(shape.errors) && shape.errors.length > 0) {
      const each = (shape.errors as unknown[]).map((x) => findInfraOutage(x, depth + 1));
      if (each.every((x) => x !== null)) return each[0]!;
    }
    todo.push(...linked(shape));
  }
  return null;
}

/** Whether `e` (or one of its causes) is PostgreSQL or storage being down. */
export function isInfraOutage(e: unknown): boolean {
  return findInfraOutage(e) !== null;
}
