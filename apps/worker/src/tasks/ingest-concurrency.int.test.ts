import { beforeAll, describe, expect, it } from "vitest";
import { ctxOf } from "../../../../test/factories";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { addedJobs, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let u: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user: u } = s));
beforeAll(async () => {
  await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { concurrentJobsLimit: 1 } });
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
