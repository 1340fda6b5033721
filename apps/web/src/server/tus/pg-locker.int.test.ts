// The tus lock across processes: two independent connection pools stand in
// for two web instances sharing one PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { LOCK_BUSY, PgLocker } from "./pg-locker";

let t: TestDb;
let other: Db;
const never = new AbortController().signal;

beforeAll(async () => {
  t = await createTestDb();
  other = createDb(t.url, { max: 3 });
});
afterAll(async () => {
  await other.$disconnect();
  await t.drop();
});

describe("PgLocker", () => {
  it("makes the holder in one instance release when a request in another wants the upload", async () => {
    const a = new PgLocker(t.db, { heartbeatMs: 50 });
    const b = new PgLocker(other, { heartbeatMs: 50, acquireTimeoutMs: 5_000 });
    const events: string[] = [];
    const held = a.newLock("tenants/t1/uploads/u1");
    await held.lock(never, async () => {
      events.push("a asked to release");
      await held.unlock();
    });
    await b.newLock("tenants/t1/uploads/u1").lock(never, () => undefined);
    events.push("b holds");
    expect(events).toEqual(["a asked to release", "b holds"]);
  });

  it("answers 423 when the holder keeps the lock past the wait", async () => {
    const a = new PgLocker(t.db, { heartbeatMs: 50 });
    const b = new PgLocker(other, { acquireTimeoutMs: 300 });
    const held = a.newLock("tenants/t1/uploads/u2");
    let asked = 0;
    await held.lock(never, () => void asked++);
    await expect(b.newLock("tenants/t1/uploads/u2").lock(never, () => undefined)).rejects.toBe(LOCK_BUSY);
    expect(LOCK_BUSY.status_code).toBe(423);
    expect(asked).toBe(1);
    await held.unlock();
    await b.newLock("tenants/t1/uploads/u2").lock(never, () => undefined);
  });

  it("frees the lease of a holder that stopped renewing (a crashed instance)", async () => {
    // No heartbeat within the lease: the holder is as good as dead.
    const dead = new PgLocker(t.db, { leaseMs: 300, heartbeatMs: 60_000 });
    const b = new PgLocker(other, { acquireTimeoutMs: 10_000 });
    const stale = dead.newLock("tenants/t1/uploads/u3");
    await stale.lock(never, () => undefined);
    const fresh = b.newLock("tenants/t1/uploads/u3");
    await fresh.lock(never, () => undefined);
    // The late unlock of the dead holder must not free the new holder's lease.
    await stale.unlock();
    const rows = await t.db.uploadLease.findMany({ where: { key: "tenants/t1/uploads/u3" } });
    expect(rows).toHaveLength(1);
    await fresh.unlock();
    expect(await t.db.uploadLease.count({ where: { key: "tenants/t1/uploads/u3" } })).toBe(0);
  });

  it("never lets two requests in two instances hold one upload at once", async () => {
    const lockers = [new PgLocker(t.db, { pollMs: 10 }), new PgLocker(other, { pollMs: 10 })];
    let inside = 0;
    let most = 0;
    let turns = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const lock = lockers[i % 2]!.newLock("tenants/t1/uploads/u4");
        await lock.lock(never, () => undefined);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
        turns++;
        await lock.unlock();
      }),
    );
    expect(turns).toBe(8);
    expect(most).toBe(1);
  });

  it("gives up waiting when the request is aborted", async () => {
    const a = new PgLocker(t.db);
    const b = new PgLocker(other, { acquireTimeoutMs: 60_000 });
    const held = a.newLock("tenants/t1/uploads/u5");
    await held.lock(never, () => undefined);
    const abort = new AbortController();
    const waiting = b.newLock("tenants/t1/uploads/u5").lock(abort.signal, () => undefined);
    abort.abort();
    await expect(waiting).rejects.toBe(LOCK_BUSY);
    await held.unlock();
  });
});
