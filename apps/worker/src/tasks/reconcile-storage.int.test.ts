// Reconciliation on both storage drivers: a consistent tenant is left alone,
// planted drift in the counters is corrected and audited with before/after,
// old orphans go while young ones (in-flight work) and every referenced
// object stay, and the operator runs it on demand and reads the last report.
import { setTimeout as sleep } from "node:timers/promises";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@scrollintel/core/logger";
import { newId, resultKey, tenantPrefix } from "@scrollintel/core/keys";
import { getLastReconciliationReport, requestReconciliation } from "@scrollintel/core/reconcile/reconcile-report";
import { runReconciliation } from "@scrollintel/core/reconcile/run-reconciliation";
import { verifyAuditChain } from "@scrollintel/core/services/audit-query-service";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StoredObject } from "@scrollintel/core/storage/storage-driver";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import type { WorkerDeps } from "../worker-deps";
import { makeIngestTask } from "./ingest";
import { makeQueryTask } from "./query";
import { makeReconcileStorageTask } from "./reconcile-storage";

const CSV = "id,city,amount\n1,Oslo,10.5\n2,Lima,20\n3,Oslo,5.25\n";
const log = createLogger({ name: "test", level: "silent" });
let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3.stop());

describe.each(["local", "s3"] as const)("reconciliation on %s storage", (driver) => {
  let t: TestDb;
  let deps: WorkerDeps & { cleanup(): void };
  let user: TestUser;
  let referenced: string[];

  beforeAll(async () => {
    t = await createTestDb();
    const base = makeWorkerDeps(t.db, driver === "s3" ? s3.env : {});
    deps = { ...base, storage: createStorage(base.config) };
    user = await createMember(t.db, await createTenant(t.db), "OWNER");
    const up = await uploadFile(deps, ctxOf(user), "cities.csv", CSV);
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const { id } = await createQueryRun(t.db, ctxOf(user), { sql: "SELECT city FROM cities ORDER BY id" });
    await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(v.status).toBe("READY");
    referenced = [up.storageKey, ...(v.files as string[]), resultKey(user.tenantId, id)];
  });
  afterAll(async () => {
    deps.cleanup();
    await t.drop();
  });

  const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
  const audits = (action: string) =>
    t.db.auditEvent.findMany({ where: { tenantId: user.tenantId, action }, orderBy: { seq: "asc" } });
  const mine = <T extends { tenantId: string }>(r: { tenants: T[] }) =>
    r.tenants.find((f) => f.tenantId === user.tenantId)!;
  const reconcile = (graceMs: number, now?: Date) =>
    runReconciliation({ db: t.db, storage: deps.storage, graceMs, log, now });

  it("leaves a tenant whose counters match its objects as it is", async () => {
    const before = await quota();
    const f = mine(await reconcile(3_600_000));
    expect(f.skipped).toBeNull();
    expect(f.missing).toEqual([]);
    expect(f.used).toEqual({ before: before.storageBytesUsed.toString(), after: before.storageBytesUsed.toString() });
    expect(BigInt(f.bytes)).toBe(before.storageBytesUsed);
    expect(await audits("storage.reconcile")).toEqual([]);
  });

  it("corrects planted drift in both counters, audited with before and after", async () => {
    const right = await quota();
    await t.db.tenantQuota.update({
      where: { tenantId: user.tenantId },
      data: { storageBytesUsed: { increment: 12_345 }, storageBytesReserved: { increment: 777 } },
    });
    await runTask(makeReconcileStorageTask(deps), {});
    const fixed = await quota();
    expect(fixed.storageBytesUsed).toBe(right.storageBytesUsed);
    expect(fixed.storageBytesReserved).toBe(right.storageBytesReserved);
    const events = await audits("storage.reconcile");
    expect(events.map((e) => e.metadata)).toEqual([
      expect.objectContaining({
        counter: "storageBytesUsed",
        before: (right.storageBytesUsed + 12_345n).toString(),
        after: right.storageBytesUsed.toString(),
        drift: "12345",
      }),
      expect.objectContaining({ counter: "storageBytesReserved", before: "777", after: "0", drift: "777" }),
    ]);
    expect(await verifyAuditChain(t.db, user.tenantId, "system")).toMatchObject({ ok: true });
  });

  it("removes old orphans, keeps young ones, in-flight uploads and every referenced object", async () => {
    const prefix = tenantPrefix(user.tenantId);
    const put = (key: string, body = "orphan") => deps.storage.put(key, Readable.from([Buffer.from(body)]));
    const old = `${prefix}datasets/${newId()}/v1/part-00000.parquet`;
    const foreign = `${prefix}elsewhere/kept-by-rule`;
    await put(old);
    await put(foreign);
    // An upload still receiving bytes: its row names the key from the start.
    const inFlight = await createUpload(t.db, ctxOf(user), { filename: "big.csv", sizeBytes: 1000n });
    await put(inFlight.storageKey, "partial");
    await sleep(1_100); // object times have one-second resolution on S3
    const young = `${prefix}results/${newId()}.parquet`;
    await put(young);
    const listed = new Map<string, StoredObject>();
    for await (const o of deps.storage.list(prefix)) listed.set(o.key, o);
    const graceMs = 3_600_000;
    // "Now" is just under one grace period after the young orphan was written.
    const now = new Date(listed.get(young)!.modifiedAt!.getTime() + graceMs - 1);
    const f = mine(await reconcile(graceMs, now));

    expect(await deps.storage.stat(old)).toBeNull();
    expect(await deps.storage.stat(young)).not.toBeNull();
    expect(await deps.storage.stat(foreign)).not.toBeNull();
    expect(await deps.storage.stat(inFlight.storageKey)).not.toBeNull();
    for (const key of referenced) expect(await deps.storage.stat(key), key).not.toBeNull();
    expect(f.orphansRemoved).toEqual({ count: 1, bytes: "6", keys: [old] });
    expect(f.orphansKept).toBe(1);
    const [removed] = await audits("storage.orphans_removed");
    expect(removed!.metadata).toMatchObject({ count: 1, bytes: "6", keys: [old] });
    // The unfinished upload's reservation is what storageBytesReserved should hold, but a job
    // could hold more: with none running it is set to exactly the uploads' reservations.
    expect((await quota()).storageBytesReserved).toBe(1000n);
  });

  it("runs on demand (what the console's Run now queues) and keeps the last report", async () => {
    const { id } = await requestReconciliation(t.db, user.id);
    expect(await getLastReconciliationReport(t.db)).toMatchObject({ id, status: "QUEUED", trigger: "admin" });
    await runTask(makeReconcileStorageTask(deps), { reportId: id });
    const report = await getLastReconciliationReport(t.db);
    expect(report).toMatchObject({ id, status: "SUCCEEDED", error: null, requestedBy: user.id });
    expect(mine(report!)).toMatchObject({ slug: user.slug, skipped: null, missing: [] });
  });
});
