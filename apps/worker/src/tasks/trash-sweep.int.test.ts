// Delete, restore and purge on both storage drivers: a deleted dataset leaves
// lists and queries at once and frees its name, stays restorable (and
// counted) for trashDays, then the sweep removes exactly its objects and
// gives back exactly their bytes, also when it crashed half way.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantTx } from "@scrollintel/core/db/scoped";
import { datasetPrefix } from "@scrollintel/core/keys";
import { findDatasets, getDatasetById } from "@scrollintel/core/services/dataset-service";
import { deleteDataset, findTrash, restoreTrashItem } from "@scrollintel/core/services/trash-service";
import { purgeTrashItem, sweepTrash } from "@scrollintel/core/services/trash-sweep-service";
import { findVisibleDatasets } from "@scrollintel/core/services/visible-datasets";
import { ctxOf } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import {
  appendTo,
  csvRows,
  deletedDaysAgo,
  loadDataset,
  removedBytes,
  startTrashKit,
  storageUsed,
  storedObjects,
  type Driver,
  type TrashKit,
} from "../../../../test/trash-kit";
import { runTask } from "../../../../test/worker-harness";
import { cacheRoot } from "../local-path-for";
import { makeTrashSweepTask, TRASH_SWEEP_CRON } from "./trash-sweep";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const DAY = 86_400_000;

describe.each<Driver>(["local", "s3"])("trash on %s storage", (driver) => {
  let kit: TrashKit;
  const ctx = () => ctxOf(kit.admin);
  const visibleNames = async () =>
    (await tenantTx(t.db, kit.admin.tenantId, (tx) => findVisibleDatasets(tx, kit.admin.tenantId))).map((d) => d.name);
  const audits = async (action: string) =>
    t.db.auditEvent.findMany({ where: { tenantId: kit.admin.tenantId, action } });

  beforeAll(async () => {
    kit = await startTrashKit(t.db, driver);
  });
  afterAll(() => kit.stop());

  it("deletes to the trash: gone from lists and queries, name free, objects and quota kept; restore brings it back", async () => {
    const { datasetId } = await loadDataset(kit, "sales.csv", csvRows(0, 50));
    const [before, used] = [await storedObjects(kit), await storageUsed(kit)];
    const del = await deleteDataset(t.db, ctx(), datasetId);
    expect(del.purgeAfter.getTime() - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    expect((await findDatasets(t.db, ctx())).map((d) => d.id)).not.toContain(datasetId);
    expect(await visibleNames()).not.toContain("sales");
    await expect(getDatasetById(t.db, ctx(), datasetId)).rejects.toThrow(/not found/);
    const [item] = await findTrash(t.db, ctx());
    expect(item).toMatchObject({ id: del.trashItemId, datasetName: "sales", version: null, restorable: true });
    expect(item!.storedBytes).toBe(used);
    expect(await storedObjects(kit)).toEqual(before);
    expect(await storageUsed(kit)).toBe(used);

    // The name is free: a new upload takes it; the restored dataset then comes back as sales_2.
    const second = await loadDataset(kit, "sales.csv", csvRows(100, 5));
    expect((await findDatasets(t.db, ctx())).find((d) => d.id === second.datasetId)!.name).toBe("sales");
    const back = await restoreTrashItem(t.db, ctx(), del.trashItemId);
    expect(back).toMatchObject({ datasetId, name: "sales_2", renamedFrom: "sales" });
    expect((await visibleNames()).sort()).toEqual(["sales", "sales_2"]);
    expect(await findTrash(t.db, ctx())).toEqual([]);
    await expect(restoreTrashItem(t.db, ctx(), del.trashItemId)).rejects.toThrow(/restored and can no longer/);
    expect((await audits("dataset.delete")).map((a) => a.target)).toContain(datasetId);
    expect((await audits("dataset.restore"))[0]!.metadata).toMatchObject({ name: "sales_2", renamedFrom: "sales" });
  });

  it("purges after trashDays: exactly the dataset's objects go, and exactly their bytes leave the quota", async () => {
    const { datasetId } = await loadDataset(kit, "orders.csv", csvRows(0, 200));
    await appendTo(kit, datasetId, csvRows(200, 30));
    const del = await deleteDataset(t.db, ctx(), datasetId);
    const [before, used] = [await storedObjects(kit), await storageUsed(kit)];
    expect(await sweepTrash(t.db, kit.deps.storage)).toEqual({ purged: 0, freedBytes: 0n, failed: [] });

    // The tenant keeps its trash 10 days: 8 days ago is not due yet, 11 is.
    await t.db.tenantRetention.create({ data: { tenantId: kit.admin.tenantId, trashDays: 10 } });
    await deletedDaysAgo(t.db, del.trashItemId, 8);
    expect((await sweepTrash(t.db, kit.deps.storage)).purged).toBe(0);
    await deletedDaysAgo(t.db, del.trashItemId, 11);
    // A part this worker had copied into its hot cache (as queries on S3 do) goes with the object.
    const part = [...before.keys()].find((k) => k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId)))!;
    const cached = path.join(cacheRoot(kit.deps.config), part);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, "parquet bytes");
    await runTask(makeTrashSweepTask(kit.deps), {});
    expect(fs.existsSync(cached)).toBe(false);

    const after = await storedObjects(kit);
    const removed = removedBytes(before, after);
    const uploads = await t.db.upload.findMany({ where: { datasetId } });
    expect(removed.keys.sort()).toEqual(
      [
        ...removed.keys.filter((k) => k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId))),
        ...uploads.map((u) => u.storageKey),
      ].sort(),
    );
    expect(removed.keys.length).toBeGreaterThanOrEqual(4); // two uploads, two versions' parts
    expect([...after.keys()].some((k) => k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId)))).toBe(false);
    expect(used - (await storageUsed(kit))).toBe(removed.bytes);
    const item = await t.db.trashItem.findUniqueOrThrow({ where: { id: del.trashItemId } });
    expect(item).toMatchObject({ status: "PURGED", freedBytes: removed.bytes });
    expect(await t.db.dataset.findUnique({ where: { id: datasetId } })).toBeNull();
    expect(await t.db.job.findFirstOrThrow({ where: { targetId: item.id } })).toMatchObject({
      kind: "purge",
      status: "SUCCEEDED",
    });
    expect((await audits("dataset.purge")).find((a) => a.target === datasetId)!.metadata).toMatchObject({
      freedBytes: removed.bytes.toString(),
    });
    await expect(restoreTrashItem(t.db, ctx(), del.trashItemId)).rejects.toThrow(/purged/);
    expect(await sweepTrash(t.db, kit.deps.storage)).toEqual({ purged: 0, freedBytes: 0n, failed: [] });
    await t.db.tenantRetention.delete({ where: { tenantId: kit.admin.tenantId } });
  });

  it("resumes a sweep that crashed mid-way and gives the bytes back once, after the last object", async () => {
    const { datasetId } = await loadDataset(kit, "events.csv", csvRows(0, 100));
    await appendTo(kit, datasetId, csvRows(100, 10));
    await appendTo(kit, datasetId, csvRows(110, 10));
    const del = await deleteDataset(t.db, ctx(), datasetId);
    await deletedDaysAgo(t.db, del.trashItemId, 8);
    const [before, used] = [await storedObjects(kit), await storageUsed(kit)];

    const crash = (_o: unknown, i: number) => {
      if (i === 1) throw new Error("worker died mid-sweep");
    };
    await expect(purgeTrashItem(t.db, kit.deps.storage, del.trashItemId, { afterDelete: crash })).rejects.toThrow(
      /mid-sweep/,
    );
    // The cron's sweep reports the item it could not finish instead of stopping (it throws again at index 1).
    const swept = await sweepTrash(t.db, kit.deps.storage, { afterDelete: crash });
    expect(swept.failed).toEqual([{ id: del.trashItemId, error: "worker died mid-sweep" }]);
    const half = await t.db.trashItem.findUniqueOrThrow({ where: { id: del.trashItemId } });
    expect(half.status).toBe("PURGING");
    expect((half.objects as unknown[]).length).toBeGreaterThanOrEqual(5);
    expect(removedBytes(before, await storedObjects(kit)).keys).toHaveLength(2);
    expect(await storageUsed(kit)).toBe(used); // not given back before the objects are gone
    await expect(restoreTrashItem(t.db, ctx(), del.trashItemId)).rejects.toThrow(/purging/);

    expect((await sweepTrash(t.db, kit.deps.storage)).purged).toBe(1);
    const removed = removedBytes(before, await storedObjects(kit));
    expect(removed.keys).toHaveLength((half.objects as unknown[]).length);
    expect(used - (await storageUsed(kit))).toBe(removed.bytes);
    expect((await sweepTrash(t.db, kit.deps.storage)).purged).toBe(0);
    expect(await storageUsed(kit)).toBe(used - removed.bytes);
  });
});

it("runs the sweep every 10 minutes, one at a time", () => {
  expect(TRASH_SWEEP_CRON).toBe("*/10 * * * * trash-sweep ?max=1");
});
