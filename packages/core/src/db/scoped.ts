import type { Db, Tx } from "./client";

/** The role every application transaction runs as: subject to row-level security, never a superuser. */
export const APP_ROLE = "scrollintel_app";

const TX_OPTS = { maxWait: 10_000, timeout: 30_000 };
const txOpts = new WeakMap<object, typeof TX_OPTS>();

/**
 * A Db whose connections wait out outages (createDb's connectWaitMs) also lets
 * its transactions wait that long to start: Prisma's maxWait includes connecting.
 */
export function setTxMaxWait(db: object, maxWaitMs: number): void {
  txOpts.set(db, { ...TX_OPTS, maxWait: Math.max(TX_OPTS.maxWait, maxWaitMs) });
}

/**
 * Runs `fn` in a transaction that PostgreSQL confines to one tenant: as the
 * app role, with app.tenant_id set, so row-level security hides every other
 * tenant's rows even if a query forgets its tenantId filter.
 */
export function tenantTx<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(tx);
    },
    txOpts.get(db) ?? TX_OPTS,
  );
}

/**
 * Cross-tenant work the platform itself does: sign-in lookups, worker jobs
 * addressed by id, the operator console. Every use is a deliberate choice.
 */
export function systemTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.system', 'on', true)`;
      return fn(tx);
    },
    txOpts.get(db) ?? TX_OPTS,
  );
}
