// A worker that stalled past the dead-after period has had its job released
// and possibly taken by another worker: when it wakes up it must not store
// parts or settle the version, which are the other worker's now.
import { describe, expect, it } from "vitest";
import { ctxOf } from "../../../../test/factories";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "../tasks/ingest";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let user: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user } = s));

describe("an ingest whose job another worker took over", () => {
  it("stops before storing: no parts, no FAILED, the version left to its new owner", async () => {
    const up = await uploadFile(deps, ctxOf(user), "lost.csv", "a,b\n1,2\n3,4\n");
    const [job] = await t.db.$queryRaw<{ id: string }[]>`
      UPDATE graphile_worker._private_jobs SET locked_by = 'pool-new-owner', locked_at = now()
       WHERE key = ${`ingest:${up.versionId}`} RETURNING id::text AS id`;
    const asStalled = { id: job!.id, locked_by: "pool-stalled", attempts: 3, max_attempts: 3 };

    await expect(runTask(makeIngestTask(deps), { datasetVersionId: up.versionId }, asStalled)).rejects.toThrow(
      "another worker took this ingest over",
    );
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(v.status).toBe("INGESTING");
    expect(v.files).toEqual([]);
    const stored = [];
    for await (const o of deps.storage.list(`tenants/${user.tenantId}/datasets/${up.datasetId}/`)) stored.push(o);
    expect(stored).toEqual([]);

    // The same job run by the pool that holds it goes through.
    const asOwner = { ...asStalled, locked_by: "pool-new-owner" };
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId }, asOwner);
    expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } })).status).toBe("READY");
  });
});
