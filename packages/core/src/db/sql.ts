import { createHash } from "node:crypto";
import pg from "pg";
import type { Db, Tx } from "./client";
import { assertId } from "../keys";
import { APP_ROLE } from "./scoped";

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

const pools = new WeakMap<object, pg.Pool>();

/** Called by createDb: the pool Prisma's adapter uses, shared with these plain statements. */
export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
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

async function inTx<T>(db: Db, scope: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error("this Db was not made by createDb: no pool for plain SQL");
  const c = await pool.connect();
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
