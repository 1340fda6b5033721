// A file the tenant already has, through the real worker tasks: offered as
// replace / append / keep both before it is ingested again, or decided at
// upload time; never matched across tenants.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  getIntakeState,
  resolveDuplicate,
  startReviewedIngest,
  updatePreview,
} from "@scrollintel/core/services/intake-decision-service";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";
import { makeInspectUploadTask } from "./inspect-upload";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let other: TestUser;

const inspect = (id: string) => runTask(makeInspectUploadTask(deps), { datasetVersionId: id });
const ingest = (id: string) => runTask(makeIngestTask(deps), { datasetVersionId: id });
const version = (id: string) => t.db.datasetVersion.findUniqueOrThrow({ where: { id }, include: { dataset: true } });
const dataset = (id: string) => t.db.dataset.findUnique({ where: { id } });

const ORDERS = "order_id,amount\n1,10.5\n2,20\n3,7.25\n";

/** Each case its own file (so earlier cases' datasets are no candidates), READY as "orders…" with a rename. */
let file = ORDERS;
let orders = "";
async function makeOrders(n: number) {
  file = `${ORDERS}${n},0\n`;
  const first = await uploadFile(deps, ctxOf(user), "orders.csv", file);
  await t.db.datasetVersion.update({
    where: { id: first.versionId },
    data: { options: ZIngestOptions.parse({ columns: [{ name: "amount", rename: "total" }] }) },
  });
  await ingest(first.versionId);
  orders = first.datasetId;
}
let n = 100;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  const tenant = await createTenant(t.db);
  user = await createMember(t.db, tenant, "ANALYST");
  other = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
beforeEach(() => makeOrders(++n));
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

/** The same bytes again, asked about: parked with the offer. */
async function uploadAgain(intake: { review?: boolean; onDuplicate?: "ask" | "replace" | "append" | "keep" }) {
  const up = await uploadFile(deps, ctxOf(user), "orders.csv", file, { onDuplicate: "ask", ...intake });
  await inspect(up.versionId);
  return up;
}

describe("duplicate uploads", () => {
  it("offers the matching dataset before anything is ingested", async () => {
    const up = await uploadAgain({});
    const v = await version(up.versionId);
    expect(v.status).toBe("AWAITING_DUPLICATE");
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    const s = await getIntakeState(t.db, ctxOf(user), up.versionId);
    expect(s.duplicateOf).toMatchObject({ datasetId: orders, version: 1 });
    expect(s.duplicateOf?.datasetName).toMatch(/^orders/);
    expect((await t.db.job.findFirstOrThrow({ where: { targetId: up.versionId } })).status).toBe("WAITING");
    // Another tenant: NOT_FOUND for every decision on it, and never offered this tenant's dataset.
    await expect(getIntakeState(t.db, ctxOf(other), up.versionId)).rejects.toThrow(/not found/);
    await expect(resolveDuplicate(t.db, ctxOf(other), { versionId: up.versionId, choice: "keep" })).rejects.toThrow(
      /not found/,
    );
    const theirs = await uploadFile(deps, ctxOf(other), "orders.csv", file, { onDuplicate: "ask" });
    await inspect(theirs.versionId);
    expect((await version(theirs.versionId)).status).toBe("QUEUED");
  });

  it("replace: a new full version of the matching dataset, read as it is read; the extra dataset goes", async () => {
    const up = await uploadAgain({});
    const r = await resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "replace" });
    expect(r).toMatchObject({ datasetId: orders, versionId: up.versionId, version: 2 });
    expect(await dataset(up.datasetId)).toBeNull();
    expect((await t.db.upload.findUniqueOrThrow({ where: { id: up.uploadId } })).datasetId).toBe(orders);
    await ingest(up.versionId);
    const v = await version(up.versionId);
    expect(v).toMatchObject({ status: "READY", append: false, rowCount: 4n, version: 2 });
    expect(v.dataset.readyVersion).toBe(2);
    expect((v.columns as { name: string }[]).map((c) => c.name)).toEqual(["order_id", "total"]);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "dataset.duplicate", target: orders } });
    expect(audit.metadata).toMatchObject({ choice: "replace", version: 2, fromDatasetId: up.datasetId });
    expect(audit.actorId).toBe(user.id);
  });

  it("append: an append version of the matching dataset", async () => {
    const up = await uploadAgain({});
    await resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "append" });
    await ingest(up.versionId);
    const v = await version(up.versionId);
    expect(v).toMatchObject({ status: "READY", append: true, baseVersion: 1, rowCount: 8n, version: 2 });
    expect(await dataset(up.datasetId)).toBeNull();
  });

  it("keep both: a new dataset as before", async () => {
    const up = await uploadAgain({});
    const r = await resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "keep" });
    expect(r.datasetId).toBe(up.datasetId);
    await ingest(up.versionId);
    const v = await version(up.versionId);
    expect(v).toMatchObject({ status: "READY", version: 1, rowCount: 4n });
    expect(v.dataset.name).toMatch(/^orders_\d+$/);
    expect(v.datasetId).not.toBe(orders);
  });

  it("decides up front when the upload says so (API), audited as the system acting on it", async () => {
    const up = await uploadAgain({ onDuplicate: "append" });
    const v = await version(up.versionId);
    expect(v).toMatchObject({ status: "QUEUED", datasetId: orders, version: 2, append: true });
    expect(await dataset(up.datasetId)).toBeNull();
    await ingest(up.versionId);
    expect((await version(up.versionId)).status).toBe("READY");
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "dataset.duplicate", target: orders, actorType: "SYSTEM" },
    });
    expect(audit.metadata).toMatchObject({ choice: "append" });
  });

  it("with review: replace previews again as the dataset reads, then starts", async () => {
    const up = await uploadAgain({ review: true });
    expect((await version(up.versionId)).status).toBe("AWAITING_DUPLICATE");
    // The preview was made already, so "keep" could go straight to review; replace reads another way.
    expect((await getIntakeState(t.db, ctxOf(user), up.versionId)).preview?.columns.map((c) => c.name)).toEqual([
      "order_id",
      "amount",
    ]);
    await resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "replace" });
    expect((await version(up.versionId)).status).toBe("INSPECTING");
    await inspect(up.versionId);
    const s = await getIntakeState(t.db, ctxOf(user), up.versionId);
    expect(s.status).toBe("AWAITING_REVIEW");
    expect(s.preview?.columns.map((c) => c.name)).toEqual(["order_id", "total"]);
    await expect(
      updatePreview(t.db, ctxOf(other), { versionId: up.versionId, options: ZIngestOptions.parse({}) }),
    ).rejects.toThrow(/not found/);
    await expect(startReviewedIngest(t.db, ctxOf(other), { versionId: up.versionId })).rejects.toThrow(/not found/);
    await startReviewedIngest(t.db, ctxOf(user), { versionId: up.versionId });
    await ingest(up.versionId);
    expect((await version(up.versionId)).status).toBe("READY");
  });

  it("refuses a decision on a version that is not waiting for one", async () => {
    const up = await uploadAgain({ review: true });
    await resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "keep" });
    await expect(resolveDuplicate(t.db, ctxOf(user), { versionId: up.versionId, choice: "keep" })).rejects.toThrow(
      /not waiting for a duplicate decision/,
    );
  });
});
