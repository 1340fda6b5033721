import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { abandonUpload, createUpload, finishUpload } from "./upload-service";

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
      message: "File is 61.0 MB; the largest file this workspace accepts is 60.0 MB.",
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
