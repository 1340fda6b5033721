import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { addedJobs, makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  u = await createMember(t.db, await createTenant(t.db), "ANALYST");
  await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { concurrentJobsLimit: 1 } });
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("concurrent-jobs quota in the worker", () => {
  it("makes an ingest wait while the tenant's running jobs fill its limit, then runs it", async () => {
    const busy = await t.db.job.create({
      data: { tenantId: u.tenantId, kind: "query", targetId: "other", createdBy: u.id, status: "RUNNING" },
    });
    const up = await uploadFile(deps, ctxOf(u), "later.csv", "a,b\n1,2\n");
    const before = addedJobs.length;
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } })).status).toBe("QUEUED");
    expect(addedJobs.slice(before)).toEqual([{ name: "ingest", payload: { datasetVersionId: up.versionId } }]);

    await t.db.job.update({ where: { id: busy.id }, data: { status: "SUCCEEDED" } });
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } })).status).toBe("READY");
  });
});
