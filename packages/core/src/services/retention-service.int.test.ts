import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { DEFAULT_RETENTION, RETENTION_BOUNDS } from "../retention-policy";
import { getRetention, updateRetention } from "./retention-service";

let t: TestDb;
let admin: TestUser;
let analyst: TestUser;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db);
  admin = await createMember(t.db, tenant, "ADMIN");
  analyst = await createMember(t.db, tenant, "ANALYST");
});
afterAll(() => t.drop());

describe("retention policy", () => {
  it("starts at the defaults and shows the platform's bounds", async () => {
    const r = await getRetention(t.db, ctxOf(analyst));
    expect(r.policy).toEqual(DEFAULT_RETENTION);
    expect(r.bounds).toEqual(RETENTION_BOUNDS);
  });

  it("lets an admin change part of it, keeps the rest, and audits before and after", async () => {
    const after = await updateRetention(t.db, ctxOf(admin), { resultDays: 30, uploadHours: 6 });
    expect(after).toEqual({ ...DEFAULT_RETENTION, resultDays: 30, uploadHours: 6 });
    expect((await getRetention(t.db, ctxOf(analyst))).policy).toEqual(after);
    const ev = await t.db.auditEvent.findFirstOrThrow({
      where: { tenantId: admin.tenantId, action: "retention.update" },
      orderBy: { seq: "desc" },
    });
    expect(ev.actorId).toBe(admin.id);
    expect(ev.metadata).toMatchObject({ before: { resultDays: 7, uploadHours: 24 }, after: { resultDays: 30 } });
  });

  it("refuses values outside the platform's bounds, naming the field and the bounds", async () => {
    const { min, max } = RETENTION_BOUNDS.resultDays;
    for (const resultDays of [min - 1, max + 1, 2.5]) {
      await expect(updateRetention(t.db, ctxOf(admin), { resultDays })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: `resultDays must be a whole number from ${min} to ${max}.`,
      });
    }
    await expect(updateRetention(t.db, ctxOf(admin), { uploadHours: 24 * 31 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await getRetention(t.db, ctxOf(admin))).policy.resultDays).toBe(30);
  });

  it("is not an analyst's to change", async () => {
    await expect(updateRetention(t.db, ctxOf(analyst), { resultDays: 3 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("what is kept and what is about to go", () => {
  it("sums results and exports by age, and unfinished uploads by idle time", async () => {
    const owner = await createMember(t.db, await createTenant(t.db), "OWNER");
    const tenantId = owner.tenantId;
    await updateRetention(t.db, ctxOf(owner), { resultDays: 7, uploadHours: 48 });
    const now = new Date();
    const ago = (h: number) => new Date(now.getTime() - h * HOUR);
    const run = async (finishedAt: Date, resultBytes: bigint) =>
      t.db.queryRun.create({
        data: {
          tenantId,
          userId: owner.id,
          sql: "SELECT 1",
          status: "SUCCEEDED",
          finishedAt,
          resultBytes,
          resultKey: "k",
        },
      });
    const going = await run(ago(6 * 24 + 1), 1000n); // goes in 23 h
    await run(ago(24), 500n); // six more days
    await t.db.queryExport.create({
      data: { tenantId, queryRunId: going.id, format: "csv", status: "SUCCEEDED", bytes: 300n, createdBy: owner.id },
    });
    const upload = (id: string, lastActivityAt: Date, reservedBytes: bigint) =>
      t.db.upload.create({
        data: {
          id,
          tenantId,
          createdBy: owner.id,
          filename: "x.csv",
          sizeBytes: reservedBytes,
          reservedBytes,
          storageKey: `tenants/${tenantId}/uploads/${id}`,
          lastActivityAt,
        },
      });
    await upload("uploadgoing1", ago(30), 70n); // idle 30 h of 48: goes within a day
    await upload("uploadstays1", ago(1), 20n);
    const kept = (await getRetention(t.db, ctxOf(owner), now)).kept;
    expect(kept).toEqual([
      { kind: "datasets", bytes: 0n, keptFor: null, goingBytes: 0n },
      { kind: "results", bytes: 1800n, keptFor: { days: 7 }, goingBytes: 1300n },
      { kind: "uploads", bytes: 90n, keptFor: { hours: 48 }, goingBytes: 70n },
    ]);
  });
});
