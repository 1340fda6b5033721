// A version that skipped more than its threshold waits for a person: it is
// stored but not queried until confirmed; discarded, its parts go.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { datasetVersionPrefix } from "@scrollintel/core/keys";
import { releaseDiscardedParts } from "@scrollintel/core/services/discard-version-service";
import { decideAwaitingVersion } from "@scrollintel/core/services/ingest-confirmation-service";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { waitForLockWait } from "../../../../test/lock-wait";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeDiscardVersionTask } from "./discard-version";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;

// 100 records, 5 with a bad number: 5% skipped, past the 1% default.
const BODY = "id,v\n" + Array.from({ length: 100 }, (_, i) => `${i + 1},${i % 20 === 7 ? "n/a" : i}\n`).join("");
const SKIP = { badRows: "skip", columns: [{ name: "v", type: "BIGINT" }] };

async function run(versionId: string, options: object) {
  const r = await reingestVersion(t.db, ctxOf(user), { versionId, options: ZIngestOptions.parse(options) });
  await runTask(makeIngestTask(deps), { datasetVersionId: r.versionId });
  return t.db.datasetVersion.findUniqueOrThrow({ where: { id: r.versionId }, include: { dataset: true } });
}

async function storedKeys(v: { tenantId: string; datasetId: string; version: number }) {
  const keys: string[] = [];
  for await (const o of deps.storage.list(datasetVersionPrefix(v.tenantId, v.datasetId, v.version))) keys.push(o.key);
  return keys;
}

const auditActions = async (datasetId: string) =>
  (await t.db.auditEvent.findMany({ where: { target: datasetId }, orderBy: { seq: "asc" } })).map((e) => e.action);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("skip threshold", () => {
  it("holds a version over its threshold; confirm makes it the queried one", async () => {
    const up = await uploadFile(deps, ctxOf(user), "prices.csv", BODY);
    const v = await run(up.versionId, SKIP);
    expect(v.status).toBe("AWAITING_CONFIRMATION");
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([100n, 95n, 5n]);
    expect(v.error).toMatch(/^5% of the records were skipped, more than the 1% allowed/);
    expect(v.dataset.readyVersion).toBeNull();
    expect(v.dataset.status).toBe("AWAITING_CONFIRMATION");
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: v.id } });
    expect(job.status).toBe("SUCCEEDED");

    await expect(decideAwaitingVersion(t.db, ctxOf(user), { versionId: v.id, decision: "confirm" })).resolves.toEqual({
      status: "READY",
    });
    const ds = await t.db.dataset.findUniqueOrThrow({ where: { id: v.datasetId } });
    expect([ds.status, ds.readyVersion]).toEqual(["READY", v.version]);
    expect(await auditActions(v.datasetId)).toEqual(
      expect.arrayContaining(["dataset.awaiting_confirmation", "dataset.confirm"]),
    );
    // Decided once: a second answer is a conflict, not a second transition.
    await expect(decideAwaitingVersion(t.db, ctxOf(user), { versionId: v.id, decision: "discard" })).rejects.toThrow(
      /is ready, not awaiting confirmation/,
    );
  });

  it("a higher threshold lets the same file through; discard keeps the queried version and removes the parts", async () => {
    const up = await uploadFile(deps, ctxOf(user), "prices.csv", BODY);
    const ok = await run(up.versionId, { ...SKIP, maxRejectPercent: 5 });
    expect(ok.status).toBe("READY");
    const held = await run(ok.id, SKIP);
    expect(held.status).toBe("AWAITING_CONFIRMATION");
    expect(held.dataset.readyVersion).toBe(ok.version);
    expect((await storedKeys(held)).length).toBeGreaterThan(0);
    const before = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });

    await decideAwaitingVersion(t.db, ctxOf(user), { versionId: held.id, decision: "discard" });
    await runTask(makeDiscardVersionTask(deps), { datasetVersionId: held.id });
    const gone = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: held.id }, include: { dataset: true } });
    expect(gone.status).toBe("CANCELLED");
    expect([gone.dataset.status, gone.dataset.readyVersion]).toEqual(["READY", ok.version]);
    expect(await storedKeys(held)).toEqual([]);
    const after = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    expect(before.storageBytesUsed - after.storageBytesUsed).toBe(held.storedBytes);
    expect(await auditActions(held.datasetId)).toContain("dataset.discard");
  });

  it("two overlapping runs of a discard give its bytes back once", async () => {
    const up = await uploadFile(deps, ctxOf(user), "prices.csv", BODY);
    const held = await run(up.versionId, SKIP);
    expect(held.status).toBe("AWAITING_CONFIRMATION");
    await decideAwaitingVersion(t.db, ctxOf(user), { versionId: held.id, decision: "discard" });
    const before = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    // Both runs read the version before either commits: the first waits for the quota row held here,
    // the second for the version row the first updated.
    let both: Promise<unknown> | undefined;
    await t.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "TenantQuota" WHERE "tenantId" = ${user.tenantId} FOR UPDATE`;
        const first = releaseDiscardedParts(t.db, held.id);
        await waitForLockWait(t.db, "the first release");
        both = Promise.all([first, releaseDiscardedParts(t.db, held.id)]);
        both.catch(() => undefined);
        await waitForLockWait(t.db, "the second release", 2);
      },
      { timeout: 30_000 },
    );
    await both;
    const after = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    expect(before.storageBytesUsed - after.storageBytesUsed).toBe(held.storedBytes);
    const gone = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: held.id } });
    expect([gone.storedBytes, gone.files]).toEqual([0n, []]);
  });

  it("refuses a viewer's decision", async () => {
    const up = await uploadFile(deps, ctxOf(user), "prices.csv", BODY);
    const v = await run(up.versionId, SKIP);
    const viewer = await createMember(t.db, { id: user.tenantId, slug: user.slug }, "VIEWER");
    await expect(decideAwaitingVersion(t.db, ctxOf(viewer), { versionId: v.id, decision: "confirm" })).rejects.toThrow(
      /does not allow dataset.write/,
    );
  });
});
