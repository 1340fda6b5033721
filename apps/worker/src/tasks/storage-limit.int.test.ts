// The storage limit under concurrency: ten uploads and their ingests at once
// against room for about three and a half, on both storage drivers. Usage is
// sampled while they run and must never pass the limit; refused ingests fail
// naming it, and what is left adds up exactly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes } from "@scrollintel/core/bytes";
import { isDomainError } from "@scrollintel/core/errors";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import type { WorkerDeps } from "../worker-deps";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let s3: TestS3;
const drivers: Record<string, WorkerDeps & { cleanup(): void }> = {};

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  drivers.local = makeWorkerDeps(t.db);
  const base = makeWorkerDeps(t.db, s3.env);
  drivers.s3 = { ...base, storage: createStorage(base.config) };
});
afterAll(async () => {
  for (const d of Object.values(drivers)) d.cleanup();
  await s3.stop();
  await t.drop();
});

/** The same CSV every time (so every upload makes the same Parquet): compressible, about 300 KiB. */
const CSV =
  "id,city,amount,note\n" +
  Array.from({ length: 12_000 }, (_, i) => `${i},city_${(i * 7919) % 613},${(i * 31) % 10_007}.25,n${i % 97}\n`).join(
    "",
  );
const F = BigInt(Buffer.byteLength(CSV));

const quotaOf = (tenantId: string) => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId } });

/** Reads the tenant's counters every few milliseconds until stopped; returns the highest seen. */
function sampleUsage(tenantId: string) {
  let stop = false;
  let samples = 0;
  let maxUsed = 0n;
  let maxTaken = 0n;
  const loop = (async () => {
    while (!stop) {
      const q = await quotaOf(tenantId);
      samples++;
      if (q.storageBytesUsed > maxUsed) maxUsed = q.storageBytesUsed;
      const taken = q.storageBytesUsed + q.storageBytesReserved;
      if (taken > maxTaken) maxTaken = taken;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return { samples, maxUsed, maxTaken };
  };
}

for (const driver of ["local", "s3"] as const) {
  describe(`storage limit on ${driver} storage`, () => {
    let parquetBytes = 0n;
    let u: TestUser;

    beforeAll(async () => {
      // What one ingest of CSV stores, measured on a tenant with room to spare.
      const probe = await createMember(t.db, await createTenant(t.db), "ANALYST");
      const up = await uploadFile(drivers[driver]!, ctxOf(probe), "probe.csv", CSV);
      await runTask(makeIngestTask(drivers[driver]!), { datasetVersionId: up.versionId });
      const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
      expect(v.status).toBe("READY");
      parquetBytes = v.storedBytes;
      expect(parquetBytes * 3n).toBeLessThan(F * 2n); // so room for 3 uploads + 1.5 Parquet is < 4 uploads
      u = await createMember(
        t.db,
        await createTenant(t.db, { storageBytes: 3n * F + (3n * parquetBytes) / 2n }),
        "ANALYST",
      );
    });

    it("10 parallel uploads and their ingests never pass it; refused ingests name it", async () => {
      const deps = drivers[driver]!;
      const limit = (await quotaOf(u.tenantId)).storageBytesLimit;
      const stopSampling = sampleUsage(u.tenantId);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          try {
            const up = await uploadFile(deps, ctxOf(u), `orders_${i}.csv`, CSV);
            await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
            return t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
          } catch (e) {
            if (isDomainError(e) && e.code === "QUOTA_EXCEEDED") return "upload refused" as const;
            throw e;
          }
        }),
      );
      const seen = await stopSampling();
      expect(seen.samples).toBeGreaterThan(1);
      expect(seen.maxUsed).toBeLessThanOrEqual(limit);
      expect(seen.maxTaken).toBeLessThanOrEqual(limit);

      const versions = outcomes.filter((o) => o !== "upload refused");
      expect(outcomes.filter((o) => o === "upload refused")).toHaveLength(7);
      const ready = versions.filter((v) => v.status === "READY");
      const failed = versions.filter((v) => v.status === "FAILED");
      expect(ready).toHaveLength(1);
      expect(failed).toHaveLength(2);
      for (const v of failed) {
        // Whenever a refusal came, the one that fit held its Parquet: what is left is exactly this.
        expect(v.error).toBe(
          `Storing this dataset's Parquet files needs about ${formatBytes(parquetBytes)}, but only ` +
            `${formatBytes(limit - 3n * F - parquetBytes)} is left of this workspace's ${formatBytes(limit)} storage limit.`,
        );
        expect(v.storageReservedBytes).toBe(0n);
        // Nothing of a refused version is left in storage.
        for await (const o of deps.storage.list(`tenants/${u.tenantId}/datasets/${v.datasetId}/`))
          throw new Error(`left behind: ${o.key}`);
      }
      const q = await quotaOf(u.tenantId);
      expect(q.storageBytesReserved).toBe(0n);
      expect(q.storageBytesUsed).toBe(3n * F + ready[0]!.storedBytes);
    });
  });
}
