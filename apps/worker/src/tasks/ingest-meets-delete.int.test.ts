// A worker's last step on a version (READY, or FAILED) meeting the delete of
// its dataset. The delete's transaction, as deleteDataset runs it (the
// dataset locked, then its running version cancelled), is open when the
// worker's step starts, and commits while that step waits. The step must
// then see the version cancelled: a completion returns false (the worker
// removes what it wrote) and nothing of the version is made queried,
// counted as stored or metered; a failure changes nothing.
import { describe, expect, it } from "vitest";
import { markCancelled } from "@scrollintel/core/services/dataset-version-service";
import { completeIngest, failIngest, startIngest } from "@scrollintel/core/services/ingest-service";
import { reserveIngestOutput } from "@scrollintel/core/services/ingest-storage";
import { lockDataset } from "@scrollintel/core/services/trash-version";
import { ctxOf } from "../../../../test/factories";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { waitForLockWait } from "../../../../test/lock-wait";
import { uploadFile } from "../../../../test/worker-harness";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let u: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user: u } = s));

const result = {
  rowCount: 2n,
  ingestedRows: 2n,
  columns: [{ name: "id", type: "BIGINT" }],
  files: ["parts/part-0.parquet"],
  storedBytes: 100n,
  preview: [],
  profile: [],
  sha256: "0".repeat(64),
  rejectedRows: 0n,
  rejects: [],
  recordsRead: 2n,
  maxRejectPercent: 1,
};

/** Runs `step` while a delete of the version's dataset, begun before it, cancels the version and commits. */
async function duringDelete<T>(versionId: string, step: () => Promise<T>): Promise<T> {
  const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
  let stepping: Promise<T> | undefined;
  await t.db.$transaction(
    async (tx) => {
      await lockDataset(tx, v.tenantId, v.datasetId);
      expect(await markCancelled(tx, v.tenantId, [v.id])).toBe(1);
      stepping = step();
      stepping.catch(() => undefined);
      await waitForLockWait(t.db, "the worker's step");
    },
    { timeout: 30_000 },
  );
  return stepping!;
}

async function running(name: string) {
  const up = await uploadFile(deps, ctxOf(u), name, "id\n1\n2\n");
  expect((await startIngest(t.db, up.versionId)).state).toBe("run");
  expect(await reserveIngestOutput(t.db, up.versionId, 100n)).toBe(true);
  return up.versionId;
}

const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } });

describe("a worker's last step on a version meets the delete of its dataset", () => {
  it("a completion sees the cancel: nothing made queried, counted or metered", async () => {
    const versionId = await running("late.csv");
    const before = await quota();
    expect(await duringDelete(versionId, () => completeIngest(t.db, versionId, result))).toBe(false);
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, include: { dataset: true } });
    expect(v.status).toBe("CANCELLED");
    expect(v.files).toEqual([]);
    expect(v.dataset.readyVersion).toBeNull();
    const after = await quota();
    expect(after.storageBytesUsed).toBe(before.storageBytesUsed);
    // The cancel gave the reservation back, and the completion took nothing.
    expect(after.storageBytesReserved).toBe(before.storageBytesReserved - 100n);
    expect(await t.db.usageEvent.count({ where: { ref: versionId } })).toBe(0);
  });

  it("a failure sees the cancel: the version stays cancelled and its reservation is not given back twice", async () => {
    const versionId = await running("later.csv");
    const before = await quota();
    await duringDelete(versionId, () => failIngest(t.db, versionId, "boom"));
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect([v.status, v.error]).toEqual(["CANCELLED", "Cancelled."]);
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved - 100n);
  });
});
