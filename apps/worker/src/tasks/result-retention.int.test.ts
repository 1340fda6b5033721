// Stored results and exports on both storage drivers: refused when they do
// not fit the storage limit, and removed by the retention job once older than
// the tenant's resultDays, with their bytes leaving usage exactly. Unfinished
// uploads expire after the tenant's own uploadHours. Timestamps are set in the
// past instead of waiting.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExportDownload, requestExport } from "@scrollintel/core/services/query-export-service";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { getResultPage } from "@scrollintel/core/services/result-page-service";
import { updateRetention } from "@scrollintel/core/services/retention-service";
import { createUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import type { EnginePool } from "../engine/engine-pool";
import type { WorkerDeps } from "../worker-deps";
import { makeExpireResultsTask } from "./expire-results";
import { makeExpireUploadsTask } from "./expire-uploads";
import { makeEnginePool, makeQueryTask } from "./query";
import { makeQueryExportTask } from "./query-export";
import { makeQueryPageTask } from "./query-page";

let t: TestDb;
let s3: TestS3;
let engines: EnginePool;
const drivers: Record<string, WorkerDeps & { cleanup(): void }> = {};
const DAY = 86_400_000;
const cron = { _cron: { ts: new Date().toISOString(), backfilled: false } };

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  const local = makeWorkerDeps(t.db, { QUERY_PREVIEW_ROWS: "10" });
  engines = makeEnginePool(local, 60_000);
  drivers.local = { ...local, engines };
  const base = makeWorkerDeps(t.db, { ...s3.env, QUERY_PREVIEW_ROWS: "10" });
  drivers.s3 = { ...base, engines, storage: createStorage(base.config) };
});
afterAll(async () => {
  await engines.close();
  for (const d of Object.values(drivers)) d.cleanup();
  await s3.stop();
  await t.drop();
});

const quotaOf = (tenantId: string) => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId } });
const objectsUnder = async (deps: WorkerDeps, prefix: string) => {
  const keys: string[] = [];
  for await (const o of deps.storage.list(prefix)) keys.push(o.key);
  return keys;
};

for (const driver of ["local", "s3"] as const) {
  describe(`stored results and exports on ${driver} storage`, () => {
    let deps: WorkerDeps;
    let u: TestUser;
    beforeAll(async () => {
      deps = drivers[driver]!;
      u = await createMember(t.db, await createTenant(t.db), "ADMIN");
    });

    async function runQuery(sql: string, useCache = false) {
      const { id, cached } = await createQueryRun(t.db, ctxOf(u), { sql, useCache });
      if (!cached) await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
      return t.db.queryRun.findUniqueOrThrow({ where: { id } });
    }

    async function exportCsv(id: string) {
      await requestExport(t.db, ctxOf(u), { id, format: "csv", waitMs: 0 });
      const exp = await t.db.queryExport.findFirstOrThrow({ where: { queryRunId: id, format: "csv" } });
      await runTask(makeQueryExportTask(deps), { exportId: exp.id });
      return t.db.queryExport.findUniqueOrThrow({ where: { id: exp.id } });
    }

    /** Leaves `bytes` of room under the limit. */
    async function leaveRoom(bytes: bigint) {
      const q = await quotaOf(u.tenantId);
      await t.db.tenantQuota.update({
        where: { tenantId: u.tenantId },
        data: { storageBytesLimit: q.storageBytesUsed + q.storageBytesReserved + bytes },
      });
    }

    it("refuses a result that does not fit, naming the limit, and stores nothing", async () => {
      await leaveRoom(100n);
      const before = await quotaOf(u.tenantId);
      const r = await runQuery("SELECT range AS n, md5(range::VARCHAR) AS h FROM range(5000)");
      expect(r.status).toBe("FAILED");
      expect(r.error).toMatch(
        /^Storing this query's result needs about [\d.]+ KiB, but only 100 B is left of this workspace's 100 B storage limit\.$/,
      );
      const after = await quotaOf(u.tenantId);
      expect(after.storageBytesUsed).toBe(before.storageBytesUsed);
      expect(after.storageBytesReserved).toBe(0n);
      expect(await objectsUnder(deps, `tenants/${u.tenantId}/results/`)).toEqual([]);
    });

    it("refuses an export that does not fit, naming the limit", async () => {
      await leaveRoom(1024n * 1024n);
      const r = await runQuery("SELECT range AS n, md5(range::VARCHAR) AS h FROM range(3000)");
      expect(r.status).toBe("SUCCEEDED");
      await leaveRoom(500n);
      const used = (await quotaOf(u.tenantId)).storageBytesUsed;
      const exp = await exportCsv(r.id);
      expect(exp.status).toBe("FAILED");
      expect(exp.error).toMatch(
        /^Storing this export needs about [\d.]+ KiB, but only 500 B is left of this workspace's/,
      );
      expect(await quotaOf(u.tenantId)).toMatchObject({ storageBytesUsed: used, storageBytesReserved: 0n });
      expect(await objectsUnder(deps, `tenants/${u.tenantId}/results/${r.id}.csv`)).toEqual([]);
    });

    it("counts a stored result and its export, and the retention job removes them exactly", async () => {
      await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { storageBytesLimit: 10n ** 10n } });
      await updateRetention(t.db, ctxOf(u), { resultDays: 2 });
      const sql = "SELECT range AS n, (range % 7)::INT AS k FROM range(2000) ORDER BY n";
      const used0 = (await quotaOf(u.tenantId)).storageBytesUsed;
      const old = await runQuery(sql);
      const hit = await runQuery(sql, true);
      expect(hit.cachedFromId).toBe(old.id);
      const exp = await exportCsv(old.id);
      expect(exp.status).toBe("SUCCEEDED");
      // A sorted page the worker read: a QueryResultPage row of this result.
      await getResultPage(t.db, ctxOf(u), { id: old.id, page: 1, sort: { column: "k", desc: true }, waitMs: 0 });
      const page = await t.db.queryResultPage.findFirstOrThrow({ where: { queryRunId: old.id } });
      await runTask(makeQueryPageTask(deps), { pageId: page.id });
      const young = await runQuery("SELECT 42 AS answer");
      const used1 = (await quotaOf(u.tenantId)).storageBytesUsed;
      expect(used1 - used0).toBe(old.resultBytes! + exp.bytes! + young.resultBytes!);

      // Three days old under a two-day policy: gone. The young one stays.
      await t.db.queryRun.update({ where: { id: old.id }, data: { finishedAt: new Date(Date.now() - 3 * DAY) } });
      await runTask(makeExpireResultsTask(deps), cron);

      expect((await quotaOf(u.tenantId)).storageBytesUsed).toBe(used1 - old.resultBytes! - exp.bytes!);
      expect(await objectsUnder(deps, `tenants/${u.tenantId}/results/${old.id}`)).toEqual([]);
      expect(await objectsUnder(deps, young.resultKey!)).toEqual([young.resultKey]);
      for (const id of [old.id, hit.id]) {
        expect(await t.db.queryRun.findUniqueOrThrow({ where: { id } })).toMatchObject({
          status: "SUCCEEDED",
          resultKey: null,
          cacheKey: null,
        });
      }
      expect(await t.db.queryExport.count({ where: { queryRunId: old.id } })).toBe(0);
      expect(await t.db.queryResultPage.count({ where: { queryRunId: old.id } })).toBe(0);
      await expect(getResultPage(t.db, ctxOf(u), { id: hit.id, page: 1, waitMs: 0 })).rejects.toThrow(
        /removed under the workspace's retention policy/,
      );
      await expect(getExportDownload(t.db, ctxOf(u), { id: old.id, format: "parquet" })).rejects.toThrow(/retention/);
      const audit = await t.db.auditEvent.findFirst({
        where: { tenantId: u.tenantId, action: "retention.result.expired" },
      });
      expect(audit?.target).toBe(old.id);

      // Idempotent: a second run finds nothing, and releases nothing twice.
      await runTask(makeExpireResultsTask(deps), cron);
      expect((await quotaOf(u.tenantId)).storageBytesUsed).toBe(used1 - old.resultBytes! - exp.bytes!);
      // The same SQL runs again as a new result rather than from the removed one.
      expect((await runQuery(sql, true)).cachedFromId).toBeNull();
    });

    it("expires unfinished uploads after the tenant's own uploadHours, releasing their reservation", async () => {
      const strict = await createMember(t.db, await createTenant(t.db), "OWNER");
      const lax = await createMember(t.db, await createTenant(t.db), "OWNER");
      await updateRetention(t.db, ctxOf(strict), { uploadHours: 2 });
      const started = async (user: TestUser) => {
        const up = await createUpload(t.db, ctxOf(user), { filename: "half.csv", sizeBytes: 4096n });
        await deps.storage.put(up.storageKey, Readable.from([Buffer.from("half")]));
        // Three hours without a byte: past two hours, within the default day.
        await t.db.upload.update({
          where: { id: up.uploadId },
          data: { lastActivityAt: new Date(Date.now() - 3 * 3_600_000) },
        });
        return up;
      };
      const gone = await started(strict);
      const kept = await started(lax);
      await runTask(makeExpireUploadsTask(deps), cron);
      expect((await t.db.upload.findUniqueOrThrow({ where: { id: gone.uploadId } })).status).toBe("EXPIRED");
      expect((await quotaOf(strict.tenantId)).storageBytesReserved).toBe(0n);
      expect(await objectsUnder(deps, gone.storageKey)).toEqual([]);
      expect((await t.db.upload.findUniqueOrThrow({ where: { id: kept.uploadId } })).status).toBe("CREATED");
      expect((await quotaOf(lax.tenantId)).storageBytesReserved).toBe(4096n);
    });
  });
}
