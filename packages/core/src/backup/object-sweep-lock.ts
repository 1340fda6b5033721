import type pg from "pg";
import type { Db } from "../db/client";
import { getPoolOf } from "../db/sql";

/**
 * The contract between backups and every job that deletes objects (trash
 * sweep, retention, upload expiry, reconciliation): a backup holds this
 * PostgreSQL advisory lock exclusively from before its database snapshot until
 * it has copied the objects that snapshot references; a job deletes objects
 * only while it holds the lock shared. So no object a backup's dump references
 * disappears before the backup has read it, and sweeps never wait on each
 * other. See docs/backup-and-restore.md.
 */
export const OBJECT_SWEEP_LOCK_KEY = 0x5349_4241_434bn; // "SIBACK"

/**
 * Runs `deleteObjects` holding the sweep side of the lock. While a backup runs
 * it does not wait: it returns `{ ran: false }` and the job tries again on its
 * next round (a sweep is never urgent; a backup may take hours).
 */
export async function withObjectSweepLock<T>(
  db: Db,
  deleteObjects: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const c = await getPoolOf(db).connect();
  let broken = false;
  try {
    const r = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock_shared($1::bigint) AS ok", [
      OBJECT_SWEEP_LOCK_KEY.toString(),
    ]);
    if (!r.rows[0]?.ok) return { ran: false };
    try {
      return { ran: true, result: await deleteObjects() };
    } finally {
      await c.query("SELECT pg_advisory_unlock_shared($1::bigint)", [OBJECT_SWEEP_LOCK_KEY.toString()]).catch(() => {
        broken = true; // a lost session frees its locks; the client is not reused
      });
    }
  } finally {
    c.release(broken);
  }
}

/** The backup side: waits for running sweeps to finish, then keeps new ones out until released. */
export async function takeBackupLock(c: pg.ClientBase): Promise<() => Promise<void>> {
  await c.query("SELECT pg_advisory_lock($1::bigint)", [OBJECT_SWEEP_LOCK_KEY.toString()]);
  return async () => {
    await c.query("SELECT pg_advisory_unlock($1::bigint)", [OBJECT_SWEEP_LOCK_KEY.toString()]);
  };
}
