// The contract between backups and object sweeps: a sweep skips its round
// while a backup holds the lock; a backup waits for a running sweep to end.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { OBJECT_SWEEP_LOCK_KEY, takeBackupLock, withObjectSweepLock } from "./object-sweep-lock";

let t: TestDb;
let backup: pg.Client;

beforeAll(async () => {
  t = await createTestDb();
  backup = new pg.Client({ connectionString: t.url });
  await backup.connect();
});
afterAll(async () => {
  await backup.end();
  await t.drop();
});

/** Whether some session waits for the lock (pg_locks, not a timer). */
async function someoneWaits(): Promise<boolean> {
  const r = await t.db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM pg_locks
     WHERE locktype = 'advisory' AND NOT granted
       AND ((classid::bigint << 32) | objid::bigint) = ${OBJECT_SWEEP_LOCK_KEY}`;
  return r[0]!.n > 0n;
}

describe("object sweep lock", () => {
  it("runs a sweep when no backup runs, and lets sweeps run side by side", async () => {
    const r = await withObjectSweepLock(t.db, async () => (await withObjectSweepLock(t.db, async () => 7)).ran);
    expect(r).toEqual({ ran: true, result: true });
  });

  it("skips a sweep while a backup holds the lock, and runs it after", async () => {
    const release = await takeBackupLock(backup);
    let swept = false;
    expect(await withObjectSweepLock(t.db, async () => (swept = true))).toEqual({ ran: false });
    expect(swept).toBe(false);
    await release();
    expect(await withObjectSweepLock(t.db, async () => (swept = true))).toEqual({ ran: true, result: true });
  });

  it("makes a backup wait until a running sweep has finished", async () => {
    let finishSweep!: () => void;
    const sweepDone = new Promise<void>((r) => (finishSweep = r));
    let sweepStarted!: () => void;
    const started = new Promise<void>((r) => (sweepStarted = r));
    const events: string[] = [];
    const sweep = withObjectSweepLock(t.db, async () => {
      sweepStarted();
      await sweepDone;
      events.push("sweep done");
    });
    await started;
    const locked = takeBackupLock(backup).then((release) => {
      events.push("backup locked");
      return release;
    });
    while (!(await someoneWaits())) await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    finishSweep();
    await sweep;
    await (
      await locked
    )();
    expect(events).toEqual(["sweep done", "backup locked"]);
  });
});
