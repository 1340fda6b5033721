// Tenant data key rotation end to end: the owner's request (audited, one at a
// time), the re-encrypt job re-sealing every object under the new key while
// old and new objects stay readable, a crash mid-job resuming, waiting while
// other processes may still hold the old version, then retiring it; another
// tenant's objects and keys are never touched.
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyVersionOf } from "@scrollintel/core/crypto/reencrypt-tenant";
import { requestKeyRotation, getEncryptionStatus } from "@scrollintel/core/services/key-rotation-service";
import type { EncryptedStorage } from "@scrollintel/core/storage/encrypted-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { addedJobs, makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import { makeReencryptTenantTask } from "./reencrypt-tenant";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let storage: EncryptedStorage;
let acme: TestUser;
let globex: TestUser;
const body = (i: number) => Buffer.from(`id,secret\n${i},Rotation-Marker-${i}\n`.repeat(2000));
const acmeKey = (tenantId: string, i: number) => `tenants/${tenantId}/datasets/aaaaaaaaaaaa/v1/part-${i}.parquet`;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STORAGE_ENCRYPTION: "on" });
  storage = deps.storage as EncryptedStorage;
  acme = await createMember(t.db, await createTenant(t.db), "OWNER");
  globex = await createMember(t.db, await createTenant(t.db), "OWNER");
  for (let i = 0; i < 4; i++) await storage.put(acmeKey(acme.tenantId, i), Readable.from([body(i)]));
  await storage.put(acmeKey(globex.tenantId, 0), Readable.from([body(9)]));
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

const read = async (key: string) => buffer(await storage.get(key));
const versions = async (tenantId: string) =>
  (await t.db.tenantDataKey.findMany({ where: { tenantId }, orderBy: { version: "asc" } })).map((k) => k.version);

describe("tenant data key rotation", () => {
  let rotationId: string;

  it("is refused with encryption off, starts audited with its job, and only one runs at a time", async () => {
    await expect(requestKeyRotation(t.db, ctxOf(acme), { enabled: false })).rejects.toThrow(/encryption is off/);
    const r = await requestKeyRotation(t.db, ctxOf(acme), { enabled: true });
    rotationId = r.id;
    expect(r.toVersion).toBe(2);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { tenantId: acme.tenantId, action: "key.rotate" } });
    expect(audit).toMatchObject({ target: r.id, actorId: acme.id });
    const jobs = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'reencrypt-tenant' AND key = ${`reencrypt-tenant:${acme.tenantId}`}`;
    expect(jobs[0]!.n).toBe(1n);
    await expect(requestKeyRotation(t.db, ctxOf(acme), { enabled: true })).rejects.toThrow(/already running/);
  });

  it("resumes after a crash mid-job; old and new objects stay readable throughout", async () => {
    let n = 0;
    const crashing = makeReencryptTenantTask(deps, {
      afterObject: () => {
        if (++n === 2) throw new Error("worker killed");
      },
    });
    await expect(runTask(crashing, { rotationId })).rejects.toThrow(/worker killed/);
    const mixed = await Promise.all([0, 1, 2, 3].map((i) => keyVersionOf(storage.raw, acmeKey(acme.tenantId, i))));
    expect(mixed.filter((v) => v === 2).length).toBe(2);
    expect(mixed.filter((v) => v === 1).length).toBe(2);
    for (let i = 0; i < 4; i++) expect((await read(acmeKey(acme.tenantId, i))).equals(body(i))).toBe(true);
    // New objects are sealed under the new version now.
    await storage.put(acmeKey(acme.tenantId, 4), Readable.from([body(4)]));
    expect(await keyVersionOf(storage.raw, acmeKey(acme.tenantId, 4))).toBe(2);

    addedJobs.length = 0;
    await runTask(makeReencryptTenantTask(deps), { rotationId });
    for (let i = 0; i < 5; i++) expect(await keyVersionOf(storage.raw, acmeKey(acme.tenantId, i))).toBe(2);
    // Other processes may still write under version 1 for a minute: the old key stays until then.
    expect(await versions(acme.tenantId)).toEqual([1, 2]);
    expect(addedJobs).toEqual([{ name: "reencrypt-tenant", payload: { rotationId } }]);
    const status = await getEncryptionStatus(t.db, acme.tenantId, { enabled: true });
    expect(status.rotation).toMatchObject({ status: "RUNNING", objectsTotal: 5, objectsDone: 5, toVersion: 2 });
  });

  it("then retires the old key: no object uses it, everything reads, another tenant untouched", async () => {
    // The keyring cache has expired everywhere since the rotation started.
    await t.db.tenantKeyRotation.update({
      where: { id: rotationId },
      data: { startedAt: new Date(Date.now() - 120_000) },
    });
    await runTask(makeReencryptTenantTask(deps), { rotationId });
    expect(await versions(acme.tenantId)).toEqual([2]);
    storage.keyring.forget(acme.tenantId);
    for (let i = 0; i < 5; i++) {
      expect(await keyVersionOf(storage.raw, acmeKey(acme.tenantId, i))).toBe(2);
      expect((await read(acmeKey(acme.tenantId, i))).equals(body(i))).toBe(true);
    }
    const status = await getEncryptionStatus(t.db, acme.tenantId, { enabled: true });
    expect(status).toMatchObject({ currentVersion: 2, rotation: { status: "DONE", retiredVersions: [1] } });
    expect(await t.db.auditEvent.count({ where: { tenantId: acme.tenantId, action: "key.retire" } })).toBe(1);

    expect(await versions(globex.tenantId)).toEqual([1]);
    expect(await keyVersionOf(storage.raw, acmeKey(globex.tenantId, 0))).toBe(1);
    expect((await read(acmeKey(globex.tenantId, 0))).equals(body(9))).toBe(true);
    // Running the finished rotation again changes nothing.
    await runTask(makeReencryptTenantTask(deps), { rotationId });
    expect(await versions(acme.tenantId)).toEqual([2]);
  });

  it("waits for an upload still in flight under the old key before retiring it", async () => {
    const r = await requestKeyRotation(t.db, ctxOf(globex), { enabled: true });
    const upload = `tenants/${globex.tenantId}/uploads/bbbbbbbbbbbb`;
    await storage.put(upload, Readable.from([body(7)]));
    await storage.raw.put(`${upload}.seal`, Readable.from([Buffer.from("in flight")]));
    await t.db.tenantKeyRotation.update({ where: { id: r.id }, data: { startedAt: new Date(Date.now() - 120_000) } });
    await runTask(makeReencryptTenantTask(deps), { rotationId: r.id });
    expect(await versions(globex.tenantId)).toEqual([1, 2]);
    expect((await getEncryptionStatus(t.db, globex.tenantId, { enabled: true })).rotation).toMatchObject({
      status: "RUNNING",
      uploadsWaiting: 1,
    });
    await storage.raw.delete(`${upload}.seal`); // the upload finished
    await runTask(makeReencryptTenantTask(deps), { rotationId: r.id });
    expect(await versions(globex.tenantId)).toEqual([2]);
    expect(await keyVersionOf(storage.raw, upload)).toBe(2);
  });
});
