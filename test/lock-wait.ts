import type { Db } from "@scrollintel/core/db/client";

/**
 * Until `sessions` sessions of `db`'s database wait for a lock: how a test
 * knows the steps it started are queued behind the transaction it holds open.
 */
export async function waitForLockWait(db: Db, what = "the step", sessions = 1): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [r] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (r!.n >= sessions) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`${what} never waited for a lock`);
}
