import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { findAuditEvents, iterateAuditEvents, verifyAuditChain } from "./audit-query-service";
import { recordAudit } from "./audit-service";

let t: TestDb;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  u = await createMember(t.db, await createTenant(t.db), "OWNER");
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      recordAudit(t.db, {
        tenantId: u.tenantId,
        actor: { type: "USER", id: i % 2 ? u.id : "someone-else", ip: "10.0.0.1", userAgent: "test" },
        action: i % 3 ? "query.run" : "member.invite",
        target: `t${i}`,
        metadata: { i, nested: { b: 2, a: [1, "x"] } },
      }),
    ),
  );
});
afterAll(() => t.drop());

describe("audit log", () => {
  it("keeps a gapless chain under concurrent writers, and verifies it", async () => {
    const seqs = (await t.db.auditEvent.findMany({ where: { tenantId: u.tenantId }, orderBy: { seq: "asc" } })).map(
      (e) => e.seq,
    );
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await verifyAuditChain(t.db, u.tenantId)).toEqual({ ok: true, checked: 30, lastSeq: 30, firstBreak: null });
  });

  it("stores events in monthly partitions", async () => {
    const rows = await t.db.$queryRaw<{ part: string }[]>`
      SELECT DISTINCT tableoid::regclass::text AS part FROM "AuditEvent" WHERE "tenantId" = ${u.tenantId}`;
    const now = new Date();
    const expected = `"AuditEvent_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}"`;
    expect(rows.map((r) => r.part)).toEqual([expected]);
  });

  it("refuses UPDATE and DELETE even to the database owner", async () => {
    await expect(
      t.db.$executeRaw`UPDATE "AuditEvent" SET action = 'forged' WHERE "tenantId" = ${u.tenantId}`,
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.db.$executeRaw`DELETE FROM "AuditEvent" WHERE "tenantId" = ${u.tenantId}`).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(t.db.$executeRaw`TRUNCATE "AuditEvent"`).rejects.toThrow(/append-only: TRUNCATE refused/);
  });

  it("reports the first break when someone with superuser rights edits history", async () => {
    await t.db.$transaction(async (tx) => {
      await tx.$executeRaw`ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_append_only`;
      await tx.$executeRaw`UPDATE "AuditEvent" SET target = 'tampered' WHERE "tenantId" = ${u.tenantId} AND seq = 17`;
      await tx.$executeRaw`ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_append_only`;
    });
    expect(await verifyAuditChain(t.db, u.tenantId)).toMatchObject({
      ok: false,
      checked: 16,
      firstBreak: { seq: 17, problem: "hash-mismatch" },
    });
  });

  it("filters by actor, action, target and time, and pages by seq", async () => {
    const ctx = ctxOf(u);
    const byActor = await findAuditEvents(t.db, ctx, { limit: 100, actorId: u.id });
    expect(byActor.items.length).toBe(15);
    const invites = await findAuditEvents(t.db, ctx, { limit: 100, action: "member" });
    expect(invites.items.every((e) => e.action === "member.invite")).toBe(true);
    expect(invites.items.length).toBe(10);
    expect((await findAuditEvents(t.db, ctx, { limit: 100, target: "t3" })).items.map((e) => e.target)).toEqual(["t3"]);
    expect((await findAuditEvents(t.db, ctx, { limit: 100, from: new Date(Date.now() + 60_000) })).items).toEqual([]);
    const p1 = await findAuditEvents(t.db, ctx, { limit: 12 });
    const p2 = await findAuditEvents(t.db, ctx, { limit: 12, beforeSeq: p1.nextCursor! });
    const p3 = await findAuditEvents(t.db, ctx, { limit: 12, beforeSeq: p2.nextCursor! });
    expect([...p1.items, ...p2.items, ...p3.items].map((e) => e.seq)).toEqual(
      Array.from({ length: 30 }, (_, i) => 30 - i),
    );
    expect(p3.nextCursor).toBeNull();
  });

  it("iterates in chain order in bounded batches for exports", async () => {
    let n = 0;
    for await (const batch of iterateAuditEvents(t.db, u.tenantId)) n += batch.length;
    expect(n).toBe(30);
  });
});
