import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { tenantTx } from "../db/scoped";
import { monthKey } from "../quota";
import { assertIngestAllowance, meterUsage } from "./usage-service";

let t: TestDb;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  u = await createMember(t.db, await createTenant(t.db), "ANALYST");
  await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { ingestBytesMonthLimit: 1000n } });
});
afterAll(() => t.drop());

describe("usage metering", () => {
  it("appends ledger rows and keeps monthly totals, also under concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tenantTx(t.db, u.tenantId, (tx) =>
          meterUsage(tx, u.tenantId, [
            { kind: "INGEST_BYTES", amount: 10n, ref: `v${i}` },
            { kind: "INGEST_ROWS", amount: 2n },
          ]),
        ),
      ),
    );
    const m = await t.db.usageMonthly.findUniqueOrThrow({
      where: { tenantId_month: { tenantId: u.tenantId, month: monthKey() } },
    });
    expect(m).toMatchObject({ ingestBytes: 200n, ingestRows: 40n });
    expect(await t.db.usageEvent.count({ where: { tenantId: u.tenantId } })).toBe(40);
  });

  it("refuses ingest past the monthly limit with what is left", async () => {
    await tenantTx(t.db, u.tenantId, (tx) => assertIngestAllowance(tx, u.tenantId, 800n));
    await expect(tenantTx(t.db, u.tenantId, (tx) => assertIngestAllowance(tx, u.tenantId, 801n))).rejects.toMatchObject(
      {
        code: "QUOTA_EXCEEDED",
        message: "This needs 801 B of ingest but only 800 B is left this month (limit 1000 B).",
      },
    );
  });
});

describe("daily usage", () => {
  it("shows today from the ledger at once, before any roll-up, equal to the monthly totals", async () => {
    const v = await createMember(t.db, await createTenant(t.db), "VIEWER");
    await tenantTx(t.db, v.tenantId, (tx) =>
      meterUsage(tx, v.tenantId, [
        { kind: "QUERIES", amount: 1n },
        { kind: "SCAN_BYTES", amount: 12_000_000n },
      ]),
    );
    await tenantTx(t.db, v.tenantId, (tx) => meterUsage(tx, v.tenantId, [{ kind: "QUERIES", amount: 1n }]));
    const { findUsageDaily } = await import("./usage-report-service");
    const ctx = {
      tenantId: v.tenantId,
      role: "VIEWER" as const,
      actor: { type: "USER" as const, id: v.id },
      suspended: false,
    };
    const days = await findUsageDaily(t.db, ctx, 30);
    expect(await t.db.usageDaily.count({ where: { tenantId: v.tenantId } })).toBe(0);
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toMatchObject({ QUERIES: 2, SCAN_BYTES: 12_000_000 });
    const m = await t.db.usageMonthly.findUniqueOrThrow({
      where: { tenantId_month: { tenantId: v.tenantId, month: monthKey() } },
    });
    expect(days.at(-1)!.QUERIES).toBe(m.queries);
  });
});

describe("usage roll-up", () => {
  it("folds the ledger into daily totals, idempotently", async () => {
    const { rollupUsageDaily, findUsageDaily } = await import("./usage-report-service");
    await rollupUsageDaily(t.db);
    await rollupUsageDaily(t.db);
    const days = await findUsageDaily(
      t.db,
      { tenantId: u.tenantId, role: "ANALYST", actor: { type: "USER", id: u.id }, suspended: false },
      3,
    );
    expect(days).toHaveLength(3);
    expect(days.at(-1)).toMatchObject({ INGEST_BYTES: 200, INGEST_ROWS: 40 });
    expect(days[0]).toEqual({ day: days[0]!.day });
  });
});
