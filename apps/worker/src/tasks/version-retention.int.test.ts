// Versions on both storage drivers: parts shared between an append and its
// base survive deleting either while any version (live or restorable in the
// trash) lists them; rollback and rename; the old-version policy moves old
// versions (never the queried one) to the trash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantTx } from "@scrollintel/core/db/scoped";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { renameDataset, rollbackDataset } from "@scrollintel/core/services/dataset-edit-service";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { deleteDataset, deleteVersion, findTrash, restoreTrashItem } from "@scrollintel/core/services/trash-service";
import { sweepTrash } from "@scrollintel/core/services/trash-sweep-service";
import { applyVersionRetention } from "@scrollintel/core/services/version-retention-service";
import { findVisibleDatasets } from "@scrollintel/core/services/visible-datasets";
import { ctxOf } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import {
  appendTo,
  csvRows,
  deletedDaysAgo,
  ingest,
  loadDataset,
  removedBytes,
  startTrashKit,
  storageUsed,
  storedObjects,
  type Driver,
  type TrashKit,
} from "../../../../test/trash-kit";
import { runTask, uploadFile } from "../../../../test/worker-harness";
import { makeVersionRetentionTask } from "./version-retention";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe.each<Driver>(["local", "s3"])("versions on %s storage", (driver) => {
  let kit: TrashKit;
  const ctx = () => ctxOf(kit.admin);
  const visible = async (datasetId: string) =>
    (await tenantTx(t.db, kit.admin.tenantId, (tx) => findVisibleDatasets(tx, kit.admin.tenantId))).find(
      (d) => d.datasetId === datasetId,
    );
  const files = (v: { files: unknown }) => v.files as string[];
  const reingest = async (versionId: string) => {
    const r = await reingestVersion(t.db, ctx(), { versionId, options: ZIngestOptions.parse({}) });
    return ingest(kit.deps, r.versionId);
  };
  /** Expires every TRASHED item of the tenant and runs the sweep; what left storage and the quota. */
  const expireAndSweep = async () => {
    const [before, used] = [await storedObjects(kit), await storageUsed(kit)];
    for (const i of await t.db.trashItem.findMany({ where: { tenantId: kit.admin.tenantId, status: "TRASHED" } }))
      await deletedDaysAgo(t.db, i.id, 8);
    await sweepTrash(t.db, kit.deps.storage);
    const after = await storedObjects(kit);
    return { removed: removedBytes(before, after), freed: used - (await storageUsed(kit)), after };
  };

  beforeAll(async () => {
    kit = await startTrashKit(t.db, driver);
  });
  afterAll(() => kit.stop());

  it("keeps the base's parts when the base is purged under its append, and removes only its upload", async () => {
    const base = await loadDataset(kit, "base.csv", csvRows(0, 100));
    const v2 = await appendTo(kit, base.datasetId, csvRows(100, 10));
    for (const k of files(base.version)) expect(files(v2)).toContain(k);
    const del = await deleteVersion(t.db, ctx(), base.versionId);
    expect(del.queriedVersion).toBe(2);
    const upload = await t.db.upload.findUniqueOrThrow({ where: { id: base.version.uploadId } });
    const { removed, freed, after } = await expireAndSweep();
    expect(removed.keys).toEqual([upload.storageKey]);
    expect(freed).toBe(upload.sizeBytes);
    for (const k of files(v2)) expect(after.has(k), k).toBe(true);
    expect(await visible(base.datasetId)).toMatchObject({ version: 2, rowCount: 110n });
  });

  it("removes an append's own parts but not its base's when the append is purged; the base becomes queried", async () => {
    const base = await loadDataset(kit, "base2.csv", csvRows(0, 100));
    const v2 = await appendTo(kit, base.datasetId, csvRows(100, 10));
    expect((await deleteVersion(t.db, ctx(), v2.id)).queriedVersion).toBe(1);
    expect(await visible(base.datasetId)).toMatchObject({ version: 1, rowCount: 100n });
    const own = files(v2).filter((k) => !files(base.version).includes(k));
    const upload = await t.db.upload.findUniqueOrThrow({ where: { id: v2.uploadId } });
    const { removed, freed, after } = await expireAndSweep();
    expect(removed.keys.sort()).toEqual([...own, upload.storageKey].sort());
    expect(freed).toBe(removed.bytes);
    expect(freed).toBe(v2.storedBytes + upload.sizeBytes);
    for (const k of files(base.version)) expect(after.has(k), k).toBe(true);
    // The purged number is never reused: the next append is v3, under keys v2 never had.
    const v3 = await appendTo(kit, base.datasetId, csvRows(200, 1));
    expect(v3.version).toBe(3);
    expect(files(v3).filter((k) => own.includes(k))).toEqual([]);
    expect(await visible(base.datasetId)).toMatchObject({ version: 3, rowCount: 101n });
  });

  it("keeps parts a version still restorable in the trash lists, and that version can be restored and queried", async () => {
    const base = await loadDataset(kit, "base3.csv", csvRows(0, 100));
    const v2 = await appendTo(kit, base.datasetId, csvRows(100, 10));
    const v3 = await reingest(base.versionId); // the base's upload read again: shared with v1
    const v2Item = await deleteVersion(t.db, ctx(), v2.id);
    const v1Item = await deleteVersion(t.db, ctx(), base.versionId);
    await deletedDaysAgo(t.db, v1Item.trashItemId, 8); // only v1 is due
    const [before, used] = [await storedObjects(kit), await storageUsed(kit)];
    expect((await sweepTrash(t.db, kit.deps.storage)).purged).toBe(1);
    expect(await storedObjects(kit)).toEqual(before); // v1's parts: v2 lists them; its upload: v3 reads it
    expect(await storageUsed(kit)).toBe(used);
    await restoreTrashItem(t.db, ctx(), v2Item.trashItemId);
    await rollbackDataset(t.db, ctx(), { datasetId: base.datasetId, version: 2 });
    expect(await visible(base.datasetId)).toMatchObject({ version: 2, rowCount: 110n });
    expect(v3.version).toBe(3);
  });

  it("rolls back to an earlier READY version and renames, refusing what cannot be", async () => {
    const d = await loadDataset(kit, "roll.csv", csvRows(0, 20));
    const v2 = await reingest(d.versionId);
    expect(await visible(d.datasetId)).toMatchObject({ version: 2 });
    await rollbackDataset(t.db, ctx(), { datasetId: d.datasetId, version: 1 });
    expect(await visible(d.datasetId)).toMatchObject({ version: 1, name: "roll" });
    await expect(rollbackDataset(t.db, ctx(), { datasetId: d.datasetId, version: 9 })).rejects.toThrow(/not found/);
    await deleteVersion(t.db, ctx(), v2.id);
    await expect(rollbackDataset(t.db, ctx(), { datasetId: d.datasetId, version: 2 })).rejects.toThrow(/not found/);
    await expect(deleteVersion(t.db, ctx(), d.versionId)).rejects.toThrow(/only ready version.*delete the dataset/);

    await loadDataset(kit, "taken.csv", csvRows(0, 2));
    await expect(renameDataset(t.db, ctx(), { datasetId: d.datasetId, name: "taken" })).rejects.toThrow(
      /already named/,
    );
    await expect(renameDataset(t.db, ctx(), { datasetId: d.datasetId, name: "Bad Name" })).rejects.toThrow(/lowercase/);
    await renameDataset(t.db, ctx(), { datasetId: d.datasetId, name: "rolled" });
    expect(await visible(d.datasetId)).toMatchObject({ name: "rolled", version: 1 });
    const trashed = (await findTrash(t.db, ctx())).find((i) => i.datasetId === d.datasetId);
    expect(trashed).toMatchObject({ version: 2, datasetName: "rolled" }); // the name it has now
    const actions = (await t.db.auditEvent.findMany({ where: { target: d.datasetId } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["dataset.rollback", "dataset.deleteVersion", "dataset.rename"]));
  });

  it("cancels a dataset's queued ingest when the dataset is deleted", async () => {
    const d = await loadDataset(kit, "busy.csv", csvRows(0, 5));
    const r = await reingestVersion(t.db, ctx(), { versionId: d.versionId, options: ZIngestOptions.parse({}) });
    await deleteDataset(t.db, ctx(), d.datasetId);
    expect(await t.db.datasetVersion.findUniqueOrThrow({ where: { id: r.versionId } })).toMatchObject({
      status: "CANCELLED",
    });
    expect(await t.db.job.findFirstOrThrow({ where: { targetId: r.versionId } })).toMatchObject({
      status: "CANCELLED",
    });
    // A first ingest deleted while queued leaves a CANCELLED dataset (not one "queued" forever once restored).
    const up = await uploadFile(kit.deps, ctx(), "never.csv", csvRows(0, 3));
    const del = await deleteDataset(t.db, ctx(), up.datasetId);
    await restoreTrashItem(t.db, ctx(), del.trashItemId);
    expect(await t.db.dataset.findUniqueOrThrow({ where: { id: up.datasetId } })).toMatchObject({
      status: "CANCELLED",
    });
  });

  it("moves old versions to the trash by keepVersions and versionDays, never the queried one", async () => {
    const d = await loadDataset(kit, "kept.csv", csvRows(0, 30));
    const v2 = await reingest(d.versionId);
    const v3 = await reingest(d.versionId);
    await rollbackDataset(t.db, ctx(), { datasetId: d.datasetId, version: 2 });
    const policy = { tenantId: kit.admin.tenantId, keepVersions: 1 };
    await t.db.tenantRetention.upsert({ where: { tenantId: policy.tenantId }, create: policy, update: policy });
    const trashedOf = async () =>
      (await t.db.trashItem.findMany({ where: { datasetId: d.datasetId }, orderBy: { version: "asc" } })).map((i) => [
        i.version,
        i.reason,
      ]);

    // Newest (v3) kept by count, v2 because queries see it: v1 goes.
    await runTask(makeVersionRetentionTask(kit.deps), {});
    expect(await trashedOf()).toEqual([[1, "retention"]]);

    // By age alone: v3, 40 days old, goes; v2 stays while queried.
    const byAge = { keepVersions: null, versionDays: 30 };
    await t.db.tenantRetention.update({ where: { tenantId: policy.tenantId }, data: byAge });
    await t.db.datasetVersion.updateMany({
      where: { id: { in: [v2.id, v3.id] } },
      data: { createdAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    expect(await applyVersionRetention(t.db)).toEqual({ retired: 1 });
    expect(await trashedOf()).toEqual([
      [1, "retention"],
      [3, "retention"],
    ]);
    expect(await visible(d.datasetId)).toMatchObject({ version: 2 });

    // The policy covers the tenant's other datasets too; this one loses v1 and v3, not the upload v2 reads.
    const { removed, freed } = await expireAndSweep();
    const mine = removed.keys.filter((k) => k.includes(d.datasetId) || k.endsWith(d.version.uploadId));
    expect(mine.sort()).toEqual([...files(d.version), ...files(v3)].sort());
    expect(freed).toBe(removed.bytes);
    await t.db.tenantRetention.delete({ where: { tenantId: policy.tenantId } });
  });
});
