import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { PatientPool } from "./patient-pool";
import { setTxMaxWait } from "./scoped";
import { registerPool } from "./sql";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface DbOptions {
  max?: number;
  /**
   * When set, a connection attempt during a PostgreSQL outage waits (with
   * backoff) up to this long for the server to answer again instead of
   * failing at once: for the worker, whose jobs should ride out a restart.
   * The web leaves it unset so requests fail fast while the database is down.
   */
  connectWaitMs?: number;
  /**
   * When set, a request that finds no free pool connection within this long
   * is refused as busy (RATE_LIMITED, 429 + Retry-After) instead of queueing
   * without bound: for the web, where a waiter holds a client's request open.
   */
  poolWaitMs?: number;
  /** Told about each failed connection attempt and each error of an idle connection. */
  onConnectionError?: (e: unknown) => void;
}

/**
 * One client per process (the web keeps it on globalThis across hot reloads).
 * Its pool also serves the plain-SQL hot paths of db/sql.ts.
 */
export function createDb(databaseUrl: string, opts: DbOptions = {}): Db {
  const config = { connectionString: databaseUrl, max: opts.max ?? 10 };
  const pool = opts.connectWaitMs
    ? new PatientPool(config, opts.connectWaitMs, (e) => opts.onConnectionError?.(e))
    : new pg.Pool(config);
  guardPoolErrors(pool, (e) => opts.onConnectionError?.(e));
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerPool(client, pool, opts.poolWaitMs);
  if (opts.connectWaitMs) setTxMaxWait(client, Math.max(10_000, opts.connectWaitMs + 5000));
  else if (opts.poolWaitMs) setTxMaxWait(client, opts.poolWaitMs);
  return client;
}

/**
 * A connection whose server went away emits 'error' (on the pool when idle, on
 * the client when checked out); without a listener that is an uncaught
 * exception that ends the process. The pool drops a broken connection by
 * itself and the statement running on it fails, so listening is enough.
 */
export function guardPoolErrors(pool: pg.Pool, onError: (e: unknown) => void): void {
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
}

export { Prisma } from "./generated/client";
export type { Role, DatasetStatus, JobStatus, UploadStatus, TenantStatus } from "./generated/enums";
