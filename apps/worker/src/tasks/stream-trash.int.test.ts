// A streaming dataset and the trash, on both storage drivers: deleted with
// acknowledged but uncompacted segments, it keeps them (and their bytes in
// the quota), refuses new events by name with a clear 409 instead of a new
// dataset beside it, pauses its connectors, is not mistaken for orphans by
// the reconciliation, compacts them once restored, and the sweep removes the
// segments with it and gives back exactly their bytes. A batch whose commit
// meets the delete is refused whole: nothing stored, nothing counted; so is a
// compaction or a merge of parts whose commit comes after a purge listed the
// dataset's objects (the purge then leaves nothing stored and nothing counted).
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPrefix } from "@scrollintel/core/keys";
import { createLogger } from "@scrollintel/core/logger";
import { runReconciliation } from "@scrollintel/core/reconcile/run-reconciliation";
import { createNatsConnector, setConnectorPaused } from "@scrollintel/core/services/connector-admin-service";
import { acceptEventBatch } from "@scrollintel/core/services/event-ingest-service";
import { commitConnectorBatch, loadConnector } from "@scrollintel/core/services/stream-connector-service";
import { pauseConnectorsOf } from "@scrollintel/core/services/stream-trash";
import { lockDataset } from "@scrollintel/core/services/trash-version";
import { deleteDataset, restoreTrashItem } from "@scrollintel/core/services/trash-service";
import { purgeTrashItem } from "@scrollintel/core/services/trash-sweep-service";
import { ctxOf } from "../../../../test/factories";
import { waitForLockWait } from "../../../../test/lock-wait";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import {
  deletedDaysAgo,
  startTrashKit,
  storageUsed,
  storedObjects,
  type Driver,
  type TrashKit,
} from "../../../../test/trash-kit";
import { runTask } from "../../../../test/worker-harness";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { makeStreamCompactTask } from "./stream-compact";
import { mergeSmallParts } from "./stream-merge";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const log = createLogger({ name: "test", level: "silent" });
const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i, kind: "click" })).join("\n") + "\n";

describe.each<Driver>(["local", "s3"])("streaming dataset in the trash on %s storage", (driver) => {
  let kit: TrashKit;
  const ctx = () => ctxOf(kit.admin);
  const send = (name: string, body: Readable | string) =>
    acceptEventBatch(t.db, kit.deps.storage, {
      tenantId: kit.admin.tenantId,
      actor: kit.admin.id,
      reader: ctxOf(kit.admin),
      datasetName: name,
      body: typeof body === "string" ? Readable.from([Buffer.from(body)]) : body,
      encoding: "identity",
      maxBytes: 1024 * 1024,
      limits: { maxLagBytes: 1e9, maxLagSeconds: 1e9 },
    });
  const segmentObjects = async (datasetId: string) =>
    [...(await storedObjects(kit)).keys()].filter(
      (k) => k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId)) && k.includes("/segments/"),
    );
  const pendingBytes = async (datasetId: string) =>
    (await t.db.streamSegment.findMany({ where: { datasetId, status: "PENDING" } })).reduce((s, x) => s + x.bytes, 0n);

  const streamObjects = async (datasetId: string) =>
    [...(await storedObjects(kit)).keys()].filter((k) => k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId)));
  /** The storage with `hook` run once after the first call of `method` whose key matches. */
  const hooked = (method: "put" | "delete", match: (key: string) => boolean, hook: () => Promise<void>) => {
    let fired = false;
    return new Proxy(kit.deps.storage, {
      get(target, p) {
        const v = Reflect.get(target, p, target) as unknown;
        if (p !== method) return typeof v === "function" ? v.bind(target) : v;
        return async (key: string, ...rest: unknown[]) => {
          const r = await (v as (...a: unknown[]) => Promise<unknown>).call(target, key, ...rest);
          if (!fired && match(key)) {
            fired = true;
            await hook();
          }
          return r;
        };
      },
    }) as StorageDriver;
  };
  /**
   * `work` (a compaction or a merge, on storage given to it) stores its new part, then the
   * dataset is deleted and its purge lists its objects; `work` commits while the purge deletes them.
   */
  const commitDuringPurge = async (datasetId: string, work: (storage: StorageDriver) => Promise<unknown>) => {
    let stored!: () => void;
    const partStored = new Promise<void>((r) => (stored = r));
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    const isPart = (k: string) => k.includes("/stream-");
    const working = work(
      hooked("put", isPart, async () => {
        stored();
        await go;
      }),
    );
    await partStored;
    const del = await deleteDataset(t.db, ctx(), datasetId);
    await deletedDaysAgo(t.db, del.trashItemId, 400);
    // The tombstone is committed when the first object goes: then the work commits, before the purge ends.
    const purging = hooked(
      "delete",
      () => true,
      async () => {
        release();
        await working;
      },
    );
    expect(await purgeTrashItem(t.db, purging, del.trashItemId)).not.toBeNull();
  };

  beforeAll(async () => {
    kit = await startTrashKit(t.db, driver, { STREAM_COMPACT_AGE_MS: "1" });
  });
  afterAll(() => kit.stop());

  it("keeps pending segments counted through delete, refuses events by name, and compacts them once restored", async () => {
    const baseline = await storageUsed(kit);
    const first = await send("clicks", lines(0, 40));
    const { datasetId } = first;
    const connector = await createNatsConnector(t.db, kit.deps.config, ctx(), {
      datasetName: "clicks",
      servers: ["nats://127.0.0.1:4222"],
      stream: "CLICKS",
    });
    const held = await pendingBytes(datasetId);
    expect(held).toBeGreaterThan(0n);
    expect(await storageUsed(kit)).toBe(baseline + held);

    const del = await deleteDataset(t.db, ctx(), datasetId);
    const item = await t.db.trashItem.findUniqueOrThrow({ where: { id: del.trashItemId } });
    expect(item.storedBytes).toBe(held);
    expect(await storageUsed(kit)).toBe(baseline + held);
    const c = await t.db.streamConnector.findUniqueOrThrow({ where: { id: connector.id } });
    expect(c.status).toBe("PAUSED");
    expect(c.lastError).toMatch(/clicks was moved to the trash/);
    await expect(setConnectorPaused(t.db, ctx(), connector.id, false)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/is in the trash/),
    });

    // Not a new dataset beside the trashed one: a clear refusal, and nothing stored or counted.
    await expect(send("clicks", lines(100, 5))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/dataset: clicks is in the trash .*Restore it/),
    });
    expect(await t.db.dataset.count({ where: { tenantId: kit.admin.tenantId, name: "clicks" } })).toBe(1);
    expect(await storageUsed(kit)).toBe(baseline + held);

    // Compaction does not touch a trashed dataset; the reconciliation does not see its segments as orphans.
    await runTask(makeStreamCompactTask(kit.deps), { datasetId });
    expect(await pendingBytes(datasetId)).toBe(held);
    const segs = await segmentObjects(datasetId);
    expect(segs).toHaveLength(1);
    const later = new Date(Date.now() + 86_400_000);
    const report = await runReconciliation({ db: t.db, storage: kit.deps.storage, graceMs: 0, log, now: later });
    const mine = report.tenants.find((f) => f.tenantId === kit.admin.tenantId)!;
    expect(mine.orphansRemoved.count).toBe(0);
    expect(mine.used.after).toBe(mine.used.before);
    expect(await segmentObjects(datasetId)).toEqual(segs);

    // The job the batch queued has run (above); restoring queues the compaction again.
    const key = `stream-compact:${datasetId}`;
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key = ${key}`;
    await restoreTrashItem(t.db, ctx(), del.trashItemId);
    const jobs = await t.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${key}`;
    expect(jobs[0]!.n).toBe(1);
    await runTask(makeStreamCompactTask(kit.deps), { datasetId });
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } });
    expect(v.rowCount).toBe(40n);
    expect(await pendingBytes(datasetId)).toBe(0n);
    await send("clicks", lines(40, 10));
  });

  it("refuses a batch whose commit meets the delete: nothing acknowledged, stored or counted", async () => {
    const { datasetId } = await send("views", lines(0, 3));
    const used = await storageUsed(kit);
    let started!: () => void;
    const reading = new Promise<void>((r) => (started = r));
    let step = 0;
    // The body is being stored (the first transaction is done) when the dataset goes to the trash.
    const body = new Readable({
      read() {
        if (step++ === 0) {
          this.push(Buffer.from(lines(10, 5)));
          started();
        }
      },
    });
    const sending = send("views", body);
    await reading;
    await deleteDataset(t.db, ctx(), datasetId);
    body.push(null);
    await expect(sending).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/in the trash/) });
    expect(await t.db.streamSegment.count({ where: { datasetId } })).toBe(1);
    expect(await segmentObjects(datasetId)).toHaveLength(1);
    expect(await storageUsed(kit)).toBe(used);
  });

  it("lets a delete through while a connector commits into the dataset: the paused connector's batch stores nothing", async () => {
    const { datasetId } = await send("orders", lines(0, 3));
    const connector = await createNatsConnector(t.db, kit.deps.config, ctx(), {
      datasetName: "orders",
      servers: ["nats://127.0.0.1:4222"],
      stream: "ORDERS",
    });
    const c = (await loadConnector(t.db, kit.deps.config, connector.id))!;
    const used = await storageUsed(kit);
    let committing!: Promise<boolean>;
    // A delete's transaction in deleteDataset's order (the dataset, then its connectors), open while the batch commits.
    await t.db.$transaction(
      async (tx) => {
        const d = await lockDataset(tx, kit.admin.tenantId, datasetId);
        committing = commitConnectorBatch(t.db, kit.deps.storage, c, {
          messages: [Buffer.from('{"id":9}')],
          first: 1n,
          last: 1n,
        });
        committing.catch(() => undefined);
        await waitForLockWait(t.db, "the connector's commit");
        await pauseConnectorsOf(tx, datasetId, d!.name);
        await tx.dataset.update({ where: { id: datasetId }, data: { trashedAt: new Date(), trashSlot: datasetId } });
      },
      { timeout: 30_000 },
    );
    expect(await committing).toBe(false);
    expect(await t.db.streamSegment.count({ where: { datasetId } })).toBe(1);
    expect((await loadConnector(t.db, kit.deps.config, connector.id))!.position).toBe(c.position);
    expect(await storageUsed(kit)).toBe(used);
  });

  it("drops a compaction that commits after a purge listed the objects: nothing left stored or counted", async () => {
    const baseline = await storageUsed(kit);
    const { datasetId } = await send("swipes", lines(0, 30));
    await commitDuringPurge(datasetId, (storage) =>
      runTask(makeStreamCompactTask({ ...kit.deps, storage }), { datasetId }),
    );
    expect(await storageUsed(kit)).toBe(baseline);
    expect(await streamObjects(datasetId)).toEqual([]);
    expect(await t.db.streamSegment.count({ where: { datasetId } })).toBe(0);
  });

  it("drops a merge of parts that commits after a purge listed the objects: nothing left stored or counted", async () => {
    const baseline = await storageUsed(kit);
    const { datasetId } = await send("pinches", lines(0, 30));
    await runTask(makeStreamCompactTask(kit.deps), { datasetId });
    await send("pinches", lines(30, 20));
    await runTask(makeStreamCompactTask(kit.deps), { datasetId });
    const parts = (await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } })).files;
    expect(parts).toHaveLength(2);
    const config = { ...kit.deps.config, STREAM_MERGE_PARTS: 2 };
    await commitDuringPurge(datasetId, (storage) => mergeSmallParts({ ...kit.deps, config, storage }, datasetId, "m1"));
    expect(await storageUsed(kit)).toBe(baseline);
    expect(await streamObjects(datasetId)).toEqual([]);
  });

  it("sweeps the segments with the dataset and gives back exactly their bytes", async () => {
    const baseline = await storageUsed(kit);
    const { datasetId } = await send("taps", lines(0, 30));
    await runTask(makeStreamCompactTask(kit.deps), { datasetId });
    await send("taps", lines(30, 20)); // pending when deleted
    const connector = await createNatsConnector(t.db, kit.deps.config, ctx(), {
      datasetName: "taps",
      servers: ["nats://127.0.0.1:4222"],
      stream: "TAPS",
    });
    expect(await segmentObjects(datasetId)).not.toEqual([]);
    const del = await deleteDataset(t.db, ctx(), datasetId);
    await deletedDaysAgo(t.db, del.trashItemId, 400);
    const r = await purgeTrashItem(t.db, kit.deps.storage, del.trashItemId);
    expect(r).not.toBeNull();
    expect(await storageUsed(kit)).toBe(baseline);
    const left = [...(await storedObjects(kit)).keys()].filter((k) =>
      k.startsWith(datasetPrefix(kit.admin.tenantId, datasetId)),
    );
    expect(left).toEqual([]);
    expect(await t.db.streamSegment.count({ where: { datasetId } })).toBe(0);
    expect(await t.db.streamConnector.count({ where: { id: connector.id } })).toBe(0);
    // Purged for good: the name is free again, for a new dataset.
    const again = await send("taps", lines(0, 1));
    expect(again.datasetId).not.toBe(datasetId);
  });
});
