// The web edge of tiering and reconciliation: an archived dataset's query is
// PRECONDITION_FAILED with "archived: restore to query" (the domain error
// table's ARCHIVED), Restore queues a restore job that dataset.get shows, and
// only a platform admin runs reconciliation and reads its last report.
// The worker side (moving objects, the report's findings) is tested in the worker.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type TestUser } from "../../../../../test/factories";
import { makeTargets, type Targets } from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor } from "../../../../../test/trpc-caller";

let t: TestDb;
let owner: TestUser;
let viewer: TestUser;
let targets: Targets;

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, { slug: "cold" });
  owner = await createMember(t.db, tenant, "OWNER");
  viewer = await createMember(t.db, tenant, "VIEWER");
  targets = await makeTargets(t.db, owner);
  await t.db.dataset.update({
    where: { id: targets.datasetId },
    data: { archiveStatus: "ARCHIVED", archivedAt: new Date() },
  });
});
afterAll(() => t.drop());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as TRPCError,
  );

describe("tiering through tRPC", () => {
  it('refuses a query naming an archived dataset: "archived: restore to query"', async () => {
    const e = await failure(callerFor(t.db, owner).query.run({ sql: "SELECT * FROM secret", cache: false, waitMs: 0 }));
    expect(e).toBeInstanceOf(TRPCError);
    expect(e).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(e!.message).toBe('Dataset "secret" is archived: restore to query (Restore on the dataset page).');
  });

  it("lets a viewer see the archive but not restore it", async () => {
    const d = await callerFor(t.db, viewer).dataset.get({ id: targets.datasetId });
    expect(d.archiveStatus).toBe("ARCHIVED");
    const e = await failure(callerFor(t.db, viewer).dataset.restoreArchive({ id: targets.datasetId }));
    expect(e).toMatchObject({ code: "FORBIDDEN" });
  });

  it("Restore queues a restore job and the dataset page sees it RESTORING", async () => {
    const api = callerFor(t.db, owner);
    expect(await api.dataset.restoreArchive({ id: targets.datasetId })).toMatchObject({
      archiveStatus: "RESTORING",
      progress: { done: 0, total: 0 },
    });
    expect(await api.dataset.get({ id: targets.datasetId })).toMatchObject({ archiveStatus: "RESTORING" });
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: targets.datasetId, kind: "dataset-restore" } });
    expect(job).toMatchObject({ status: "QUEUED", createdBy: owner.id, tenantId: owner.tenantId });
    const [queued] = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'restore-dataset'`;
    expect(queued!.n).toBe(1n);
  });

  it("runs reconciliation for platform admins only, and shows the last report", async () => {
    const e = await failure(callerFor(t.db, owner).admin.runReconciliation());
    expect(e).toMatchObject({ code: "FORBIDDEN" });
    const admin = callerFor(t.db, owner, { platformAdmin: true });
    expect(await admin.admin.reconciliationReport()).toBeNull();
    const { id } = await admin.admin.runReconciliation();
    expect(await admin.admin.reconciliationReport()).toMatchObject({
      id,
      status: "QUEUED",
      trigger: "admin",
      requestedBy: owner.id,
      tenants: [],
    });
  });
});
