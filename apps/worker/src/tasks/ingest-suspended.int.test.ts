// An upload finished before its tenant was suspended: the worker must not
// take it to READY. The version fails cleanly, saying the workspace is
// suspended, and nothing of it becomes visible to queries.
import { describe, expect, it } from "vitest";
import { completeIngest, SUSPENDED_INGEST_MESSAGE, startIngest } from "@scrollintel/core/services/ingest-service";
import { ctxOf } from "../../../../test/factories";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let user: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user } = s));

describe("ingest of a suspended tenant", () => {
  it("fails the version saying the workspace is suspended, and ingests again once it is active", async () => {
    const up = await uploadFile(deps, ctxOf(user), "sales.csv", "id,amount\n1,2\n3,4\n");
    await t.db.tenant.update({ where: { id: user.tenantId }, data: { status: "SUSPENDED" } });
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId }, include: { dataset: true } });
    expect([v.status, v.error]).toEqual(["FAILED", SUSPENDED_INGEST_MESSAGE]);
    expect(v.dataset.readyVersion).toBeNull();
    await t.db.tenant.update({ where: { id: user.tenantId }, data: { status: "ACTIVE" } });
    const again = await uploadFile(deps, ctxOf(user), "sales2.csv", "id,amount\n1,2\n");
    await runTask(makeIngestTask(deps), { datasetVersionId: again.versionId });
    expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id: again.versionId } })).status).toBe("READY");
  });

  it("refuses to mark READY a version whose tenant was suspended while it was being converted", async () => {
    const up = await uploadFile(deps, ctxOf(user), "late.csv", "id\n1\n");
    expect((await startIngest(t.db, up.versionId)).state).toBe("run");
    await t.db.tenant.update({ where: { id: user.tenantId }, data: { status: "SUSPENDED" } });
    try {
      // The check comes before the result is read.
      await expect(completeIngest(t.db, up.versionId, {} as never)).rejects.toThrow(SUSPENDED_INGEST_MESSAGE);
      expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } })).status).toBe("INGESTING");
    } finally {
      await t.db.tenant.update({ where: { id: user.tenantId }, data: { status: "ACTIVE" } });
    }
  });
});
