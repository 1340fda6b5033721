// The hold a query run takes for its result: usage when it succeeds, given
// back when it fails, is cancelled or is abandoned by a dead worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { sqlSystemTx, utc } from "../db/sql";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { FAIL_RUNS_SQL } from "../lifecycle/query-run-lifecycle";
import { reserveQueryResult } from "./result-storage";
import { abandonQueryRun, finishQueryRun, startQueryRun, type QueryOutcome } from "./query-run-service";
import { cancelQueryRun, createQueryRun } from "./query-service";

let t: TestDb;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  u = await createMember(t.db, await createTenant(t.db, { storageBytes: 10_000n }), "ANALYST");
});
afterAll(() => t.drop());

const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } });

async function runningRun(): Promise<string> {
  const { id } = await createQueryRun(t.db, ctxOf(u), { sql: `SELECT ${Math.random()}`, useCache: false });
  expect(await startQueryRun(t.db, id)).not.toBeNull();
  return id;
}

const succeeded = (resultBytes: bigint): QueryOutcome => ({
  status: "SUCCEEDED",
  columns: [{ name: "x", type: "INTEGER" }],
  previewRows: [],
  rowCount: 1n,
  resultKey: `tenants/${u.tenantId}/results/x.parquet`,
  resultBytes,
  engineMs: 1,
  cacheable: true,
  durationMs: 2,
  scanBytes: 0n,
});

describe("query result hold", () => {
  it("becomes usage when the run succeeds", async () => {
    const id = await runningRun();
    const before = await quota();
    await reserveQueryResult(t.db, id, 400n);
    expect(await finishQueryRun(t.db, { id, tenantId: u.tenantId }, succeeded(400n))).toBe("SUCCEEDED");
    const after = await quota();
    expect(after.storageBytesUsed - before.storageBytesUsed).toBe(400n);
    expect(after.storageBytesReserved).toBe(before.storageBytesReserved);
  });

  it("must fit first when a result is larger than its hold", async () => {
    const id = await runningRun();
    const before = await quota();
    const left = before.storageBytesLimit - before.storageBytesUsed - before.storageBytesReserved;
    await expect(finishQueryRun(t.db, { id, tenantId: u.tenantId }, succeeded(left + 1n))).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
    });
    expect(await quota()).toMatchObject({ storageBytesUsed: before.storageBytesUsed, storageBytesReserved: 0n });
  });

  it("goes back when the run fails, is cancelled, or is abandoned", async () => {
    const before = await quota();
    const failed = await runningRun();
    await reserveQueryResult(t.db, failed, 100n);
    await finishQueryRun(
      t.db,
      { id: failed, tenantId: u.tenantId },
      { status: "FAILED", error: "x", durationMs: 1, scanBytes: 0n },
    );
    const cancelled = await runningRun();
    await reserveQueryResult(t.db, cancelled, 200n);
    await cancelQueryRun(t.db, ctxOf(u), cancelled);
    expect(await reserveQueryResult(t.db, cancelled, 200n)).toBe(false);
    expect(await finishQueryRun(t.db, { id: cancelled, tenantId: u.tenantId }, succeeded(200n))).toBe("CANCELLED");
    const abandoned = await runningRun();
    await reserveQueryResult(t.db, abandoned, 300n);
    await abandonQueryRun(t.db, abandoned, "worker died");
    expect(await quota()).toMatchObject({ storageBytesUsed: before.storageBytesUsed, storageBytesReserved: 0n });
  });

  it("goes back for every run a dead worker left, summed per tenant", async () => {
    const ids = [await runningRun(), await runningRun()];
    await reserveQueryResult(t.db, ids[0]!, 150n);
    await reserveQueryResult(t.db, ids[1]!, 250n);
    expect((await quota()).storageBytesReserved).toBe(400n);
    const failed = await sqlSystemTx(t.db, (sql) =>
      sql.query<{ id: string }>(FAIL_RUNS_SQL, [ids, "gone", utc(new Date()), QUERY_DONE_CHANNEL]),
    );
    expect(failed.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect((await quota()).storageBytesReserved).toBe(0n);
    const jobs = await t.db.job.findMany({ where: { targetId: { in: ids } } });
    expect(jobs.map((j) => j.status)).toEqual(["FAILED", "FAILED"]);
  });
});
