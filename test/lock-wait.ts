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

/**
 * Enters `run` (a function that runs its callback under a lock, such as
 * withCompactionLock) and stays inside until `release()`, which resolves to
 * what `run` returned: the lock is held by another party for the test's steps.
 */
export async function holdLock<T>(
  run: (inside: () => Promise<void>) => Promise<T>,
): Promise<{ release(): Promise<T> }> {
  let leave = () => undefined as void;
  const left = new Promise<void>((r) => (leave = r));
  let entered = () => undefined as void;
  const inside = new Promise<void>((r) => (entered = r));
  const done = run(async () => {
    entered();
    await left;
  });
  done.catch(() => undefined);
  await Promise.race([inside, done]);
  return {
    release: () => {
      leave();
      return done;
    },
  };
}
