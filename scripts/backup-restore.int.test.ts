// pnpm backup / pnpm restore on local storage: a round trip into a fresh
// database and data dir keeps every row, object and audit chain; restore
// refuses targets that hold anything; a damaged object stops it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError } from "@scrollintel/core/backup/backup-error";
import { verifyCopiedObjects } from "@scrollintel/core/backup/restore-objects";
import { runBackup } from "@scrollintel/core/backup/run-backup";
import { readManifest, runRestore } from "@scrollintel/core/backup/run-restore";
import { createLogger } from "@scrollintel/core/logger";
import { recordAudit } from "@scrollintel/core/services/audit-service";
import { verifyAuditChain } from "@scrollintel/core/services/audit-query-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { migrateDeploy } from "../prisma/migrate";
import { createEmptyDb, fillInstance, fingerprint, runQuery, type FilledInstance } from "../test/backup-fixture";
import { createTestDb, type TestDb } from "../test/test-db";
import { makeWorkerDeps } from "../test/worker-harness";

const log = createLogger({ name: "backup-test", level: "silent" });
let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let filled: FilledInstance;
let tmp: string;
let backupDir: string;
const targets: { drop(): Promise<void> }[] = [];

async function restoreInto(dir: string) {
  const target = await createEmptyDb();
  targets.push(target);
  const storage = new LocalStorage(fs.mkdtempSync(path.join(tmp, "restored-")));
  const run = () => runRestore({ dir, databaseUrl: target.url, target: storage, migrate: migrateDeploy, log });
  return { target, storage, run };
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-backup-"));
  filled = await fillInstance(deps);
  backupDir = path.join(tmp, "backup");
  await runBackup({ databaseUrl: t.url, storage: deps.storage, dir: backupDir, log });
}, 120_000);
afterAll(async () => {
  for (const x of targets) await x.drop();
  deps.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
  await t.drop();
});

describe("backup", () => {
  it("lists every referenced object with its SHA-256, copies it, and lists the orphan without copying it", async () => {
    const m = readManifest(backupDir);
    expect(m.storage).toMatchObject({ driver: "local", mode: "copy" });
    const parts = (await t.db.datasetVersion.findMany()).flatMap((v) => v.files as string[]);
    const results = (await t.db.queryRun.findMany()).map((r) => r.resultKey).filter(Boolean);
    const uploads = (await t.db.upload.findMany()).map((u) => u.storageKey);
    expect(parts).toHaveLength(3);
    for (const key of [...parts, ...results, ...uploads]) expect(m.objects.map((o) => o.key)).toContain(key);
    expect(m.objects.every((o) => o.copied && /^[0-9a-f]{64}$/.test(o.sha256))).toBe(true);
    expect(m.unreferenced.map((o) => o.key)).toEqual([filled.orphanKey]);
    expect(m.missing).toEqual([]);
    expect(fs.existsSync(path.join(backupDir, "objects", ...filled.orphanKey.split("/")))).toBe(false);
  });

  it("refuses a directory that is not empty", async () => {
    await expect(runBackup({ databaseUrl: t.url, storage: deps.storage, dir: backupDir, log })).rejects.toMatchObject({
      code: "TARGET_NOT_EMPTY",
    });
  });
});

describe("restore into a fresh database and data dir", () => {
  let restored: Awaited<ReturnType<typeof restoreInto>>;

  beforeAll(async () => {
    restored = await restoreInto(backupDir);
    await restored.run();
  }, 120_000);

  it("brings back every row, every referenced object and every audit chain", async () => {
    const before = await fingerprint(t.url, t.db, deps.storage, [filled.orphanKey]);
    const after = await fingerprint(restored.target.url, restored.target.db(), restored.storage);
    expect(after.rows).toEqual(before.rows);
    expect(after.rows["public.DatasetVersion"]).toBe(3);
    expect(after.objects).toEqual(before.objects);
    expect(after.audit).toEqual(before.audit);
    expect(Object.values(after.audit).every((a) => a.ok && a.checked > 0)).toBe(true);
  });

  it("is a working instance: queries answer from the restored Parquet and the audit chain goes on", async () => {
    const d = makeWorkerDeps(restored.target.db());
    const r = await runQuery(
      { ...d, storage: restored.storage },
      filled.acme,
      "SELECT count(*) AS n, sum(amount) AS s FROM sales",
    );
    d.cleanup();
    expect(r.status).toBe("SUCCEEDED");
    expect(r.previewRows).toEqual([{ n: "3", s: 35.75 }]);
    await recordAudit(restored.target.db(), {
      tenantId: filled.acme.tenantId,
      actor: { type: "USER", id: filled.acme.id },
      action: "test.after-restore",
    });
    expect((await verifyAuditChain(restored.target.db(), filled.acme.tenantId, "system")).ok).toBe(true);
  });

  it("refuses to restore over it again (database and storage hold data)", async () => {
    await expect(restored.run()).rejects.toMatchObject({ code: "TARGET_NOT_EMPTY" });
  });

  it("refuses storage that holds objects even when the database is empty", async () => {
    const other = await restoreInto(backupDir);
    await other.storage.put(`tenants/${filled.acme.tenantId}/uploads/aaaaaaaaaaaa`, Readable.from([Buffer.from("x")]));
    await expect(other.run()).rejects.toThrow(/target storage holds 1 objects/);
  });
});

describe("a damaged backup", () => {
  it("fails the SHA-256 check, names the object and leaves the database unloaded", async () => {
    const damaged = path.join(tmp, "damaged");
    fs.cpSync(backupDir, damaged, { recursive: true });
    const victim = readManifest(damaged).objects.find((o) => o.key.endsWith(".parquet"))!;
    const file = path.join(damaged, "objects", ...victim.key.split("/"));
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expect(verifyCopiedObjects(damaged, readManifest(damaged))).rejects.toBeInstanceOf(BackupError);
    const r = await restoreInto(damaged);
    const err = await r.run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CHECKSUM_MISMATCH" });
    expect((err as Error).message).toContain(victim.key);
    expect(await r.target.db().tenant.count()).toBe(0);
    expect(await r.storage.stat(victim.key)).toBeNull();
  });
});
