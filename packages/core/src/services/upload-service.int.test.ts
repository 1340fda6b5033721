import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { LocalStorage } from "../storage/local-storage";
import {
  abandonUpload,
  createUpload,
  expireIdleUploads,
  finishUpload,
  touchUpload,
  UPLOAD_IDLE_EXPIRY_MS,
} from "./upload-service";

const MB = 1024n ** 2n;
let t: TestDb;
let analyst: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, { storageBytes: 100n * MB, maxFileBytes: 60n * MB });
  analyst = await createMember(t.db, tenant, "ANALYST");
  viewer = await createMember(t.db, tenant, "VIEWER");
});
afterAll(() => t.drop());

async function quota() {
  return t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: analyst.tenantId } });
}

describe("upload lifecycle", () => {
  it("reserves quota at creation and records a server-built key", async () => {
    const before = await quota();
    const u = await createUpload(t.db, ctxOf(analyst), { filename: "../../etc/passwd", sizeBytes: 10n * MB });
    expect(u.storageKey).toBe(`tenants/${analyst.tenantId}/uploads/${u.uploadId}`);
    expect((await quota()).storageBytesReserved - before.storageBytesReserved).toBe(10n * MB);
    await abandonUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, status: "TERMINATED" });
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
  });

  it("refuses a file over the per-file limit and writes nothing", async () => {
    const rows = await t.db.upload.count();
    await expect(
      createUpload(t.db, ctxOf(analyst), { filename: "big.csv", sizeBytes: 61n * MB }),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: "File is 61.0 MiB; the largest file this workspace accepts is 60.0 MiB.",
    });
    expect(await t.db.upload.count()).toBe(rows);
  });

  it("refuses viewers", async () => {
    await expect(createUpload(t.db, ctxOf(viewer), { filename: "a.csv", sizeBytes: 1n })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("refuses suspended tenants", async () => {
    await expect(
      createUpload(t.db, ctxOf(analyst, { suspended: true }), { filename: "a.csv", sizeBytes: 1n }),
    ).rejects.toThrow(/suspended/);
  });

  it("never overshoots the storage quota under parallel creation", async () => {
    const before = await quota();
    const left = before.storageBytesLimit - before.storageBytesUsed - before.storageBytesReserved;
    const each = 7n * MB;
    const attempts = 40;
    const results = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) =>
        createUpload(t.db, ctxOf(analyst), { filename: `p${i}.csv`, sizeBytes: each }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(BigInt(ok.length)).toBe(left / each);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "QUOTA_EXCEEDED" });
    const after = await quota();
    expect(after.storageBytesUsed + after.storageBytesReserved).toBeLessThanOrEqual(after.storageBytesLimit);
    for (const r of ok) {
      await abandonUpload(t.db, ctxOf(analyst), {
        uploadId: (r as PromiseFulfilledResult<{ uploadId: string }>).value.uploadId,
        status: "EXPIRED",
      });
    }
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
  });

  it("finishes in one transaction: dataset, version, job row and queued ingest job", async () => {
    const u = await createUpload(t.db, ctxOf(analyst), { filename: "Sales 2024.csv", sizeBytes: 5n * MB });
    const { datasetId } = await finishUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, storedBytes: 5n * MB });
    const ds = await t.db.dataset.findUniqueOrThrow({ where: { id: datasetId }, include: { versions: true } });
    expect(ds).toMatchObject({ name: "sales_2024", status: "QUEUED", tenantId: analyst.tenantId });
    expect(ds.versions).toHaveLength(1);
    const jobs = await t.db.$queryRaw<{ task_identifier: string; payload: { datasetVersionId: string } }[]>`
      SELECT t.identifier AS task_identifier, j.payload
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE j.key = ${`ingest:${ds.versions[0]!.id}`}`;
    expect(jobs).toEqual([{ task_identifier: "ingest", payload: { datasetVersionId: ds.versions[0]!.id } }]);
    expect(await t.db.job.count({ where: { targetId: ds.versions[0]!.id, kind: "ingest" } })).toBe(1);
    const q = await quota();
    expect(q.storageBytesUsed).toBeGreaterThanOrEqual(5n * MB);

    // A retried finish returns the same dataset and enqueues nothing new.
    const again = await finishUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, storedBytes: 5n * MB });
    expect(again.datasetId).toBe(datasetId);
    expect(await t.db.dataset.count({ where: { name: { startsWith: "sales_2024" } } })).toBe(1);
    expect((await quota()).storageBytesUsed).toBe(q.storageBytesUsed);
  });

  it("refuses to finish when the stored size differs from the declared one, leaving the upload open", async () => {
    const u = await createUpload(t.db, ctxOf(analyst), { filename: "short.csv", sizeBytes: 2n * MB });
    await expect(
      finishUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, storedBytes: 2n * MB - 1n }),
    ).rejects.toThrow(/stored 2097151 bytes but declared 2097152/);
    expect((await t.db.upload.findUniqueOrThrow({ where: { id: u.uploadId } })).status).toBe("CREATED");
  });

  it("names a second dataset from the same file name uniquely", async () => {
    for (let i = 0; i < 2; i++) {
      const u = await createUpload(t.db, ctxOf(analyst), { filename: "orders.csv", sizeBytes: 1n });
      await finishUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, storedBytes: 1n });
    }
    const names = (await t.db.dataset.findMany({ where: { name: { startsWith: "orders" } } }))
      .map((d) => d.name)
      .sort();
    expect(names).toEqual(["orders", "orders_2"]);
  });
});

describe("integrity and contention", () => {
  it("records the SHA-256 a client declares and refuses a malformed one", async () => {
    const sha = "AB".repeat(32);
    const u = await createUpload(t.db, ctxOf(analyst), { filename: "a.csv", sizeBytes: 1n, expectedSha256: sha });
    expect((await t.db.upload.findUniqueOrThrow({ where: { id: u.uploadId } })).expectedSha256).toBe(sha.toLowerCase());
    await expect(
      createUpload(t.db, ctxOf(analyst), { filename: "a.csv", sizeBytes: 1n, expectedSha256: "abc" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await abandonUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, status: "TERMINATED" });
  });

  it("answers LOCKED, which clients retry, when the quota row stays locked", async () => {
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM "TenantQuota" WHERE "tenantId" = $1 FOR UPDATE`, [analyst.tenantId]);
      await expect(createUpload(t.db, ctxOf(analyst), { filename: "wait.csv", sizeBytes: 1n })).rejects.toMatchObject({
        code: "LOCKED",
      });
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    expect(await t.db.upload.count({ where: { filename: "wait.csv" } })).toBe(0);
  });
});

describe("expiry of abandoned uploads", () => {
  let dir: string;
  let storage: LocalStorage;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-expiry-"));
    storage = new LocalStorage(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function partial(name: string, idleMs: number) {
    const u = await createUpload(t.db, ctxOf(analyst), { filename: name, sizeBytes: 4n * MB });
    await storage.put(u.storageKey, Readable.from([Buffer.alloc(1000)]));
    await storage.put(`${u.storageKey}.json`, Readable.from([Buffer.from("{}")]));
    await t.db.upload.update({
      where: { id: u.uploadId },
      data: { lastActivityAt: new Date(Date.now() - idleMs) },
    });
    return u;
  }

  it("expires idle uploads: status, reservation, bytes and audit; leaves active and leased ones", async () => {
    const before = await quota();
    const idle = await partial("idle.csv", UPLOAD_IDLE_EXPIRY_MS + 60_000);
    const active = await partial("active.csv", 60_000);
    const leased = await partial("leased.csv", UPLOAD_IDLE_EXPIRY_MS + 60_000);
    await t.db.uploadLease.create({
      data: { key: leased.storageKey, holder: "other-process", expiresAt: new Date(Date.now() + 60_000) },
    });

    const r = await expireIdleUploads(t.db, storage);
    expect(r).toEqual({ expired: 1, releasedBytes: 4n * MB });
    const statuses = await t.db.upload.findMany({
      where: { id: { in: [idle.uploadId, active.uploadId, leased.uploadId] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [idle.uploadId]: "EXPIRED",
      [active.uploadId]: "CREATED",
      [leased.uploadId]: "CREATED",
    });
    expect(await storage.stat(idle.storageKey)).toBeNull();
    expect(await storage.stat(`${idle.storageKey}.json`)).toBeNull();
    expect(await storage.stat(active.storageKey)).not.toBeNull();
    expect((await quota()).storageBytesReserved - before.storageBytesReserved).toBe(8n * MB);
    expect(await t.db.auditEvent.count({ where: { action: "upload.expired", target: idle.uploadId } })).toBe(1);

    // Running again finds nothing new; touching keeps an upload alive.
    expect((await expireIdleUploads(t.db, storage)).expired).toBe(0);
    await t.db.uploadLease.deleteMany();
    await touchUpload(t.db, analyst.tenantId, leased.uploadId);
    expect((await expireIdleUploads(t.db, storage)).expired).toBe(0);
    for (const u of [active, leased]) {
      await abandonUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, status: "TERMINATED" });
    }
  });

  it("finds another tenant's upload NOT_FOUND when touched", async () => {
    const other = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const u = await createUpload(t.db, ctxOf(analyst), { filename: "mine.csv", sizeBytes: 1n });
    await expect(touchUpload(t.db, other.tenantId, u.uploadId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await abandonUpload(t.db, ctxOf(analyst), { uploadId: u.uploadId, status: "TERMINATED" });
  });
});
