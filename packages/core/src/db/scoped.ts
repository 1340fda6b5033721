import type { Db, Tx } from "./client";
import { withSpan } from "../tracing";

/** The role every application transaction runs as: subject to row-level security, never a superuser. */
export const APP_ROLE = "scrollintel_app";

const TX_SPAN = { attributes: { "db.system": "postgresql" } };
const TX_OPTS = { maxWait: 10_000, timeout: 30_000 };
const txOpts = new WeakMap<object, typeof TX_OPTS>();

/**
 * How long a Db's transactions wait to start (Prisma's maxWait, which
 * includes connecting): longer for one whose connections wait out outages
 * (createDb's connectWaitMs), shorter for one that sheds load (poolWaitMs).
 */
export function setTxMaxWait(db: object, maxWaitMs: number): void {
  txOpts.set(db, { ...TX_OPTS, maxWait: maxWaitMs });
}

/**
 * Runs `fn` in a transaction that PostgreSQL confines to one tenant: as the
 * app role, with app.tenant_id set, so row-level security hides every other
 * tenant's rows even if a query forgets its tenantId filter.
 */
export function tenantTx<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSpan("pg.transaction", TX_SPAN, () =>
    db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`;
        return fn(tx);
      },
      txOpts.get(db) ?? TX_OPTS,
    ),
  );
}

/**
 * Cross-tenant work the platform itself does: sign-in lookups, worker jobs
 * addressed by id, the operator console. Every use is a deliberate choice.
 */
export function systemTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSpan("pg.transaction", TX_SPAN, () =>
    db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.system', 'on', true)`;
        return fn(tx);
      },
      txOpts.get(db) ?? TX_OPTS,
    ),
  );
}
