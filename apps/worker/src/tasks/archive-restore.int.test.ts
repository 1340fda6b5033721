// Tiering on both storage drivers: a dataset (with an append sharing its
// base's parts) unqueried for the tenant's archiveAfterDays moves to the cold
// tier; queries answer "archived: restore to query" (before queueing, and in
// the worker for a run queued earlier); appends wait for a restore; the
// Restore action brings it back with progress in the row; the same query
// then returns the same rows. Archived bytes keep counting against storage,
// and a move a stopped worker left half done is finished by the next run.
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginArchive } from "@scrollintel/core/archive-lifecycle";
import { systemTx } from "@scrollintel/core/db/scoped";
import { archiveKeyOf } from "@scrollintel/core/keys";
import { createLogger } from "@scrollintel/core/logger";
import { runReconciliation } from "@scrollintel/core/reconcile/run-reconciliation";
import { getDatasetById } from "@scrollintel/core/services/dataset-service";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { archiveObject } from "@scrollintel/core/tiering/archive-objects";
import { requestRestore } from "@scrollintel/core/tiering/restore-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { S3Storage } from "@scrollintel/core/storage/s3-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeRecompress } from "../duck/recompress-parquet";
import type { WorkerDeps } from "../worker-deps";
import { makeArchiveDatasetsTask } from "./archive-datasets";
import { makeIngestTask } from "./ingest";
import { makeQueryTask } from "./query";
import { makeRestoreDatasetTask } from "./restore-dataset";

const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `${from + i},${["Oslo", "Lima", "Pune"][i % 3]},${(i * 7) % 101}.5`).join("\n");
const CSV = `id,city,amount\n${rows(3000)}\n`;
const MORE = `id,city,amount\n${rows(500, 3000)}\n`;
const SQL = "SELECT city, count(*) AS n, sum(amount) AS total FROM sales GROUP BY city ORDER BY city";
const DAY = 86_400_000;
let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3.stop());

describe.each(["local", "s3"] as const)("archive and restore on %s storage", (driver) => {
  let t: TestDb;
  let deps: WorkerDeps & { cleanup(): void };
  let user: TestUser;
  let datasetId: string;
  let files: string[];
  let firstRows: unknown;
  const copies: { Key?: string; StorageClass?: string }[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    const base = makeWorkerDeps(t.db, driver === "s3" ? { ...s3.env, S3_ARCHIVE_STORAGE_CLASS: "STANDARD_IA" } : {});
    deps = { ...base, storage: createStorage(base.config) };
    if (driver === "s3") watchCopies(deps.storage as S3Storage, copies);
    user = await createMember(t.db, await createTenant(t.db), "ANALYST");
    await t.db.tenantRetention.create({ data: { tenantId: user.tenantId, archiveAfterDays: 2 } });
    const up = await uploadFile(deps, ctxOf(user), "sales.csv", CSV);
    datasetId = up.datasetId;
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const v2 = await appendFile(deps, user, datasetId, MORE);
    await runTask(makeIngestTask(deps), { datasetVersionId: v2 });
    const versions = await t.db.datasetVersion.findMany({ where: { datasetId }, orderBy: { version: "asc" } });
    expect(versions.map((v) => v.status)).toEqual(["READY", "READY"]);
    files = [...new Set(versions.flatMap((v) => v.files as string[]))];
    expect((versions[1]!.files as string[]).length).toBeGreaterThan((versions[0]!.files as string[]).length);
    firstRows = (await runQuery(SQL)).previewRows;
  });
  afterAll(async () => {
    deps.cleanup();
    await t.drop();
  });

  async function runQuery(sql: string) {
    const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: false });
    await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    return t.db.queryRun.findUniqueOrThrow({ where: { id } });
  }
  const dataset = () => t.db.dataset.findUniqueOrThrow({ where: { id: datasetId } });
  const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
  const age = (days: number) =>
    t.db.datasetVersion.updateMany({
      where: { datasetId },
      data: { lastQueriedAt: new Date(Date.now() - days * DAY), finishedAt: new Date(Date.now() - days * DAY) },
    });

  it("records when a query read a version", async () => {
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 2 } });
    expect(v.lastQueriedAt).not.toBeNull();
  });

  it("keeps a dataset queried within archiveAfterDays warm", async () => {
    await age(1);
    await runTask(makeArchiveDatasetsTask(deps), {});
    expect((await dataset()).archiveStatus).toBe("WARM");
  });

  it("archives a dataset left unqueried for archiveAfterDays, and its bytes still count", async () => {
    await age(3);
    const queuedBefore = await createQueryRun(t.db, ctxOf(user), { sql: SQL, useCache: false });
    const before = await quota();
    const storedBefore = await sumStored();
    await runTask(makeArchiveDatasetsTask(deps), {});
    const d = await dataset();
    expect(d).toMatchObject({ archiveStatus: "ARCHIVED", archiveError: null });
    expect(d.archiveProgress).toMatchObject({ done: files.length, total: files.length });
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: datasetId, kind: "dataset-archive" } });
    expect(job.status).toBe("SUCCEEDED");
    const [audit] = await t.db.auditEvent.findMany({ where: { tenantId: user.tenantId, action: "dataset.archive" } });
    expect(audit!.metadata).toMatchObject({ objects: files.length, bytesBefore: storedBefore.toString() });
    if (driver === "local") {
      for (const f of files) {
        expect(await deps.storage.stat(f)).toBeNull();
        expect(await deps.storage.stat(archiveKeyOf(f))).not.toBeNull();
      }
    } else {
      for (const f of files) expect(await deps.storage.stat(f)).not.toBeNull();
      expect(copies.map((c) => [c.Key, c.StorageClass])).toEqual(files.map((f) => [f, "STANDARD_IA"]));
    }
    // Archived bytes count: the counter moved only by what recompression saved,
    // and reconciliation finds it equal to the objects in the cold tier.
    expect((await quota()).storageBytesUsed).toBe(before.storageBytesUsed + (await sumStored()) - storedBefore);
    const log = createLogger({ name: "test", level: "silent" });
    const r = await runReconciliation({ db: t.db, storage: deps.storage, graceMs: DAY, log });
    const f = r.tenants.find((x) => x.tenantId === user.tenantId)!;
    expect(f).toMatchObject({ skipped: null, missing: [], orphansRemoved: { count: 0 } });
    expect(f.used.after).toBe(f.used.before);
    // A run queued before the archive is refused by the worker with the same words.
    await runTask(makeQueryTask(deps), { queryRunId: queuedBefore.id }, { attempts: 1, max_attempts: 1 });
    const refused = await t.db.queryRun.findUniqueOrThrow({ where: { id: queuedBefore.id } });
    expect(refused).toMatchObject({ status: "FAILED" });
    expect(refused.error).toMatch(/"sales" is archived: restore to query/);
  });

  it('answers "archived: restore to query" to a new query', async () => {
    await expect(createQueryRun(t.db, ctxOf(user), { sql: SQL, useCache: false })).rejects.toMatchObject({
      code: "ARCHIVED",
      message: expect.stringMatching(/"sales" is archived: restore to query/),
    });
    await expect(appendFile(deps, user, datasetId, MORE)).rejects.toMatchObject({ code: "ARCHIVED" });
    // Queries that do not name it still run.
    expect((await runQuery("SELECT 42 AS answer")).status).toBe("SUCCEEDED");
  });

  it("restores on demand with progress in the row, and the same query returns the same rows", async () => {
    const restore = () => requestRestore(t.db, ctxOf(user), datasetId);
    expect(await restore()).toMatchObject({ archiveStatus: "RESTORING" });
    expect((await getDatasetById(t.db, ctxOf(user), datasetId)).archiveStatus).toBe("RESTORING");
    // Pressed twice: the running restore answers.
    expect(await restore()).toMatchObject({ archiveStatus: "RESTORING" });
    await runTask(makeRestoreDatasetTask(deps), { datasetId });
    const d = await getDatasetById(t.db, ctxOf(user), datasetId);
    expect(d).toMatchObject({ archiveStatus: "WARM", archiveProgress: { done: files.length, total: files.length } });
    const sizes = await Promise.all(files.map(async (f) => (await deps.storage.stat(f))!.size));
    expect(d.archiveProgress).toMatchObject({ bytes: sizes.reduce((a, b) => a + b, 0) });
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: datasetId, kind: "dataset-restore" } });
    expect(job.status).toBe("SUCCEEDED");
    const actions = (await t.db.auditEvent.findMany({ where: { tenantId: user.tenantId } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["dataset.restore_requested", "dataset.restore"]));
    for (const f of files) expect(await deps.storage.stat(f)).not.toBeNull();
    if (driver === "s3") expect(copies.at(-1)).toMatchObject({ StorageClass: "STANDARD" });
    const again = await runQuery(SQL);
    expect(again).toMatchObject({ status: "SUCCEEDED", error: null });
    expect(again.previewRows).toEqual(firstRows);
    await expect(restore()).rejects.toThrow(/not archived/);
  });

  it("finishes a move that a stopped worker left half done, then restores again", async () => {
    await age(3);
    // What a worker that died after its first object leaves behind.
    await systemTx(t.db, (tx) => beginArchive(tx, { tenantId: user.tenantId, datasetId, createdBy: "system" }));
    const scratch = path.join(deps.config.dataDir, "work", "half.parquet");
    await archiveObject(deps.storage, files[0]!, {
      config: deps.config,
      recompress: makeRecompress(deps.config),
      scratch,
    });
    expect((await dataset()).archiveStatus).toBe("ARCHIVING");
    await expect(createQueryRun(t.db, ctxOf(user), { sql: SQL, useCache: false })).rejects.toMatchObject({
      code: "ARCHIVED",
    });
    await runTask(makeArchiveDatasetsTask(deps), {});
    expect(await dataset()).toMatchObject({ archiveStatus: "ARCHIVED" });
    if (driver === "local") for (const f of files) expect(await deps.storage.stat(archiveKeyOf(f))).not.toBeNull();
    await requestRestore(t.db, ctxOf(user), datasetId);
    await runTask(makeRestoreDatasetTask(deps), { datasetId });
    expect((await runQuery(SQL)).previewRows).toEqual(firstRows);
  });

  async function sumStored() {
    const vs = await t.db.datasetVersion.findMany({ where: { datasetId } });
    return vs.reduce((n, v) => n + v.storedBytes, 0n);
  }
});

/** Records every CopyObject request the driver sends: s3rver keeps no storage class, the request must carry it. */
function watchCopies(s3: S3Storage, out: { Key?: string; StorageClass?: string }[]) {
  s3.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "CopyObjectCommand") out.push(args.input as { Key?: string; StorageClass?: string });
      return next(args);
    },
    { step: "initialize", name: "watchCopies" },
  );
}

async function appendFile(deps: WorkerDeps, user: TestUser, datasetId: string, body: string) {
  const up = await createUpload(deps.db, ctxOf(user), {
    filename: "more.csv",
    sizeBytes: BigInt(body.length),
    appendToDatasetId: datasetId,
  });
  await deps.storage.put(up.storageKey, Readable.from([Buffer.from(body)]));
  await finishUpload(deps.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
  const v = await deps.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { version: "desc" } });
  return v.id;
}
