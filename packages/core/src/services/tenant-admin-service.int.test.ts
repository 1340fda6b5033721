import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { abandonUpload, createUpload, finishUpload } from "./upload-service";
import { createTenant as adminCreateTenant, findTenantsWithUsage, updateTenantQuota } from "./tenant-admin-service";
import { getInvitationByToken } from "./invitation-service";

const MB = 1024n ** 2n;
const ADMIN = { type: "USER" as const, id: "platform-admin" };
let t: TestDb;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  u = await createMember(
    t.db,
    await createTenant(t.db, { storageBytes: 1000n * MB, maxFileBytes: 100n * MB }),
    "ANALYST",
  );
});
afterAll(() => t.drop());

const limits = (storage: bigint) => ({
  storageBytesLimit: storage,
  maxFileBytes: 100n * MB,
  ingestBytesMonthLimit: 10_000n * MB,
  scanBytesMonthLimit: 10_000n * MB,
  concurrentJobsLimit: 4,
  apiRequestsPerMinute: 600,
  queryMemoryLimitMb: 512,
  queryTimeoutMs: 10_000,
  querySpillBytesLimit: 1000n * MB,
  resultRowsLimit: 1_000_000n,
  resultBytesLimit: 500n * MB,
  workerSlots: 2,
});

describe("platform tenant administration", () => {
  it("creates a tenant with quotas and an owner invitation", async () => {
    const r = await adminCreateTenant(t.db, ADMIN, {
      slug: "initech",
      name: "Initech",
      ownerEmail: "boss@initech.test",
      quota: { storageBytes: 5n * MB, maxFileBytes: MB },
    });
    expect(await getInvitationByToken(t.db, r.ownerInviteToken)).toMatchObject({
      role: "OWNER",
      email: "boss@initech.test",
    });
    const row = (await findTenantsWithUsage(t.db)).find((x) => x.slug === "initech")!;
    expect(row.quota?.storageBytesLimit).toBe(5n * MB);
    await expect(
      adminCreateTenant(t.db, ADMIN, { slug: "initech", name: "dup", quota: { storageBytes: MB, maxFileBytes: MB } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("loses no update when quota edits race usage commits", async () => {
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      ops.push(
        (async () => {
          const up = await createUpload(t.db, ctxOf(u), { filename: `f${i}.csv`, sizeBytes: 10n * MB });
          if (i % 2) await finishUpload(t.db, ctxOf(u), { uploadId: up.uploadId, storedBytes: 10n * MB });
          else await abandonUpload(t.db, ctxOf(u), { uploadId: up.uploadId, status: "TERMINATED" });
        })(),
      );
      ops.push(updateTenantQuota(t.db, ADMIN, u.tenantId, limits(2000n * MB + BigInt(i) * MB)));
    }
    await Promise.all(ops);
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } });
    expect(q.storageBytesUsed).toBe(10n * 10n * MB);
    expect(q.storageBytesReserved).toBe(0n);
    const edits = await t.db.auditEvent.count({ where: { tenantId: u.tenantId, action: "quota.update" } });
    expect(edits).toBe(20);
    // The limit is whichever edit committed last: one of the twenty values, never a blend.
    const limitsSet = Array.from({ length: 20 }, (_, i) => 2000n * MB + BigInt(i) * MB);
    expect(limitsSet).toContain(q.storageBytesLimit);
  });

  it("applies a lowered limit to the very next reservation", async () => {
    await updateTenantQuota(t.db, ADMIN, u.tenantId, limits(100n * MB));
    await expect(createUpload(t.db, ctxOf(u), { filename: "x.csv", sizeBytes: MB })).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
    });
  });

  it("sets the plan's spill, result and worker-slot limits, and audits the change", async () => {
    await updateTenantQuota(t.db, ADMIN, u.tenantId, { ...limits(100n * MB), workerSlots: 3, resultRowsLimit: 77n });
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } });
    expect(q).toMatchObject({ querySpillBytesLimit: 1000n * MB, resultRowsLimit: 77n, workerSlots: 3 });
    const ev = await t.db.auditEvent.findFirstOrThrow({
      where: { tenantId: u.tenantId, action: "quota.update" },
      orderBy: { seq: "desc" },
    });
    expect(ev.metadata).toMatchObject({ workerSlots: { to: 3 }, resultRowsLimit: { to: "77" } });
  });
});

describe("concurrent jobs quota", () => {
  it("refuses a query past the tenant's concurrent-jobs limit, and frees the slot when a job ends", async () => {
    const { createQueryRun } = await import("./query-service");
    await updateTenantQuota(t.db, ADMIN, u.tenantId, { ...limits(100n * MB), concurrentJobsLimit: 2 });
    await t.db.job.updateMany({ where: { tenantId: u.tenantId }, data: { status: "SUCCEEDED" } });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => createQueryRun(t.db, ctxOf(u), { sql: "SELECT 1" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results.filter((x) => x.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "RATE_LIMITED", details: { retryAfter: 5 } });
    }
    await t.db.job.updateMany({ where: { tenantId: u.tenantId }, data: { status: "SUCCEEDED" } });
    await expect(createQueryRun(t.db, ctxOf(u), { sql: "SELECT 1" })).resolves.toHaveProperty("id");
  });
});
