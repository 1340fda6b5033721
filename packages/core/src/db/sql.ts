import { createHash } from "node:crypto";
import pg from "pg";
import type { Db, Tx } from "./client";
import { busy, clientGone } from "../errors";
import { currentAbortSignal } from "../request-abort";
import { assertId } from "../keys";
import { APP_ROLE } from "./scoped";
import { withSpan } from "../tracing";

/**
 * Plain SQL for the paths every query walks (sign-in to a tenant, queue a
 * run, claim it, finish it, read it back). Prisma's model API and even its raw
 * queries cost several times a bare statement in CPU, and those paths run a
 * dozen statements per query; see "Latency" in docs/architecture.md.
 *
 * An `Sql` is either a pooled pg client inside a transaction (sqlTenantTx,
 * sqlSystemTx, the same RLS scoping as tenantTx and systemTx) or a Prisma
 * transaction (sqlOf), so helpers written against it serve both worlds.
 * Rows come back typed as Prisma's raw queries return them: int8 as bigint,
 * timestamp(3) as a UTC Date, json as parsed values.
 */
export interface Sql {
  readonly kind: "sql";
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/** Prisma's columns are timestamp(3) without time zone, holding UTC. */
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID) return (v: string) => BigInt(v);
    if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format ?? "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** A Date as a timestamp(3) parameter: `${utc(d)}` goes with `$n::timestamptz AT TIME ZONE 'UTC'`. */
export function utc(d: Date): string {
  return d.toISOString();
}

// On globalThis: Next bundles instrumentation, pages and route handlers separately, each with
// its own copy of this module, while they share one Db (services() on globalThis).
const g = globalThis as unknown as { [k: symbol]: WeakMap<object, pg.Pool> | undefined };
const POOLS = Symbol.for("scrollintel.db.pools");
const pools = (g[POOLS] ??= new WeakMap<object, pg.Pool>());

const WAITS = Symbol.for("scrollintel.db.pool-waits");
const poolWaits = (g[WAITS] as WeakMap<object, number> | undefined) ?? new WeakMap<object, number>();
(g as Record<symbol, unknown>)[WAITS] = poolWaits;

/**
 * Called by createDb: the pool Prisma's adapter uses, shared with these plain
 * statements, and how long a statement may wait for one of its connections
 * (createDb's poolWaitMs; unbounded when not given).
 */
export function registerPool(db: object, pool: pg.Pool, waitMs?: number): void {
  pools.set(db, pool);
  if (waitMs) poolWaits.set(db, waitMs);
}

/**
 * A connection of the Db's pool, or `busy()` once none came free within the
 * Db's pool wait, or `clientGone()` once the request's client left (before
 * the wait or during it: its work would be answered to nobody). pg's queue
 * has no way out for a waiter, so a connection handed over after either goes
 * straight back to the pool.
 */
async function acquire(db: Db, pool: pg.Pool): Promise<pg.PoolClient> {
  const signal = currentAbortSignal();
  if (signal?.aborted) throw clientGone();
  const waitMs = poolWaits.get(db);
  // A free connection, or room for a new one (whose failure is an outage, not load): no wait to bound.
  const full = pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? 10);
  if (!full || (waitMs === undefined && !signal)) return pool.connect();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let late = false;
  const pending = pool.connect();
  const giveUp = new Promise<never>((_, reject) => {
    const stop = (e: Error) => {
      late = true;
      reject(e);
    };
    if (waitMs !== undefined) timer = setTimeout(() => stop(busy()), waitMs);
    if (signal) signal.addEventListener("abort", (onAbort = () => stop(clientGone())), { once: true });
  });
  pending.then(
    (c) => {
      if (late) c.release();
    },
    () => undefined,
  );
  try {
    return await Promise.race([pending, giveUp]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Transactions of a kind that may be open at once on one Db, and those waiting for a turn. */
interface Gate {
  open: number;
  waiting: (() => void)[];
}
const GATES = Symbol.for("scrollintel.db.writer-gates");
const gates = (g[GATES] as WeakMap<object, Gate> | undefined) ?? new WeakMap<object, Gate>();
(g as Record<symbol, unknown>)[GATES] = gates;

/**
 * Runs `fn` (a transaction that appends to a workspace's audit chain) while
 * at most 40% of the pool's connections are in such transactions. Each waits
 * for its workspace's audit lock holding a connection, so under load they
 * could hold all ten and starve every read; the rest stay for reads. A turn
 * not given within the Db's pool wait is `busy()`. No limit on a Db without a
 * pool wait (the worker's, tests').
 */
export async function withWriterTurn<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const waitMs = poolWaits.get(db);
  const pool = pools.get(db);
  if (waitMs === undefined || !pool) return fn();
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = { open: 0, waiting: [] }));
  const max = Math.max(1, Math.floor((pool.options.max ?? 10) * 0.4));
  if (gate.open >= max) await waitForTurn(gate, waitMs);
  else gate.open++;
  try {
    return await fn();
  } finally {
    const next = gate.waiting.shift();
    if (next) next();
    else gate.open--;
  }
}

/** Waits until a finishing transaction hands its turn over (the count stays), or `busy()` after `waitMs`. */
function waitForTurn(gate: Gate, waitMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const turn = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      const i = gate.waiting.indexOf(turn);
      if (i < 0) return; // handed a turn in the same tick: it runs
      gate.waiting.splice(i, 1);
      reject(busy());
    }, waitMs);
    gate.waiting.push(turn);
  });
}

/** The pool behind a Db made by createDb (for work that needs one session, e.g. advisory locks). */
export function getPoolOf(db: object): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("this Db was not made by createDb: no pool for plain SQL");
  return pool;
}

const names = new Map<string, string>();

/**
 * Statements run as named prepared statements: PostgreSQL parses and plans
 * each once per connection. The texts are fixed per call site (values are
 * always parameters), so the set of names stays small.
 */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `si_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

function clientSql(c: pg.PoolClient): Sql {
  return {
    kind: "sql",
    async query<T>(text: string, params: unknown[] = []) {
      const r = await c.query({ name: statementName(text), text, values: params, types: TYPES });
      return r.rows as T[];
    },
  };
}

/** A Prisma transaction as an `Sql` (for helpers shared with Prisma callers). */
export function sqlOf(tx: Tx | Sql): Sql {
  if ("kind" in tx && tx.kind === "sql") return tx;
  const prisma = tx as Tx;
  return { kind: "sql", query: (text, params = []) => prisma.$queryRawUnsafe(text, ...params) };
}

function inTx<T>(db: Db, scope: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return withSpan("pg.transaction", { attributes: { "db.system": "postgresql" } }, () => inTxUntraced(db, scope, fn));
}

async function inTxUntraced<T>(db: Db, scope: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error("this Db was not made by createDb: no pool for plain SQL");
  const c = await acquire(db, pool);
  let broken = false;
  try {
    // One round trip opens the transaction and scopes it; the statement timeout
    // stands in for the time limit Prisma puts on its transactions.
    await c.query(
      `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), ${scope}, set_config('statement_timeout', '30s', true)`,
    );
    const out = await fn(clientSql(c));
    await c.query("COMMIT");
    return out;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    c.release(broken);
  }
}

/** tenantTx in plain SQL: the app role, row-level security scoped to one tenant. */
export async function sqlTenantTx<T>(db: Db, tenantId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  // Inlined into the opening statement, so it must be a server-made id (letters and digits).
  return inTx(db, `set_config('app.tenant_id', '${assertId(tenantId, "tenant id")}', true)`, fn);
}

/** systemTx in plain SQL: the platform's own cross-tenant work, addressed by id. */
export async function sqlSystemTx<T>(db: Db, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return inTx(db, `set_config('app.system', 'on', true)`, fn);
}

/**
 * Reads in a single round trip: BEGIN, the scoping, the statements and
 * COMMIT go as one simple-protocol message instead of one exchange each
 * (inTx). Simple protocol takes no parameters, so the statements get their
 * values through `build(lit)`, which quotes each as a PostgreSQL literal (pg's
 * escapeLiteral). Rows are typed as in `Sql` (int8 as bigint, timestamps as
 * Dates); one array of rows per statement, in order.
 */
async function readOnce(db: Db, scope: string, build: (lit: (v: string) => string) => string[]): Promise<unknown[][]> {
  const pool = pools.get(db);
  if (!pool) throw new Error("this Db was not made by createDb: no pool for plain SQL");
  const c = await acquire(db, pool);
  let broken = false;
  try {
    const texts = build((v) => c.escapeLiteral(v));
    const results = (await c.query({
      text: `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), ${scope}, set_config('statement_timeout', '30s', true); ${texts.join("; ")}; COMMIT`,
      types: TYPES,
    })) as unknown as pg.QueryResult[];
    return texts.map((_, i) => results[2 + i]!.rows);
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    c.release(broken);
  }
}

/** sqlSystemTx for one read, in one round trip (see readOnce). */
export async function sqlSystemReadOnce<T>(db: Db, build: (lit: (v: string) => string) => string): Promise<T[]> {
  const [rows] = await readOnce(db, `set_config('app.system', 'on', true)`, (lit) => [build(lit)]);
  return rows as T[];
}

/** sqlTenantTx for one read, in one round trip (see readOnce): row-level security scoped to the tenant. */
export async function sqlTenantReadOnce<T>(
  db: Db,
  tenantId: string,
  build: (lit: (v: string) => string) => string,
): Promise<T[]> {
  const [rows] = await sqlTenantReadMany<[T[]]>(db, tenantId, (lit) => [build(lit)]);
  return rows;
}

/**
 * Several reads of one tenant in one round trip and one transaction (see
 * readOnce; READ COMMITTED like tenantTx): one array of rows per statement, in order.
 */
export async function sqlTenantReadMany<R extends unknown[][]>(
  db: Db,
  tenantId: string,
  build: (lit: (v: string) => string) => string[],
): Promise<R> {
  return (await readOnce(db, `set_config('app.tenant_id', '${assertId(tenantId, "tenant id")}', true)`, build)) as R;
}
