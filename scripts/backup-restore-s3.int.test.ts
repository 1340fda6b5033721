// Backup and restore on S3 storage. s3rver (the test S3 server) answers
// GetBucketVersioning with NotImplemented, so these tests cover the copy path:
// an unversioned bucket has its objects copied into the backup. The versioned
// path (the manifest names version ids) needs MinIO or AWS S3.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "@scrollintel/core/backup/run-backup";
import { runRestore } from "@scrollintel/core/backup/run-restore";
import { isBucketVersioned } from "@scrollintel/core/backup/s3-versions";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import { S3Storage } from "@scrollintel/core/storage/s3-storage";
import { s3ClientConfig } from "@scrollintel/core/storage/s3-client-config";
import { migrateDeploy } from "../prisma/migrate";
import { createEmptyDb, fillInstance, fingerprint, type FilledInstance } from "../test/backup-fixture";
import { startTestS3, type TestS3 } from "../test/s3-server";
import { createTestDb, type TestDb } from "../test/test-db";
import { makeWorkerDeps } from "../test/worker-harness";

const log = createLogger({ name: "backup-test", level: "silent" });
let t: TestDb;
let s3: TestS3;
let s3Target: TestS3;
let source: S3Storage;
let deps: ReturnType<typeof makeWorkerDeps>;
let filled: FilledInstance;
let tmp: string;

const s3Storage = (s: TestS3) => new S3Storage(s3ClientConfig(parseConfig(s.env)));

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  s3Target = await startTestS3({ bucket: "scrollintel-restored" });
  source = s3Storage(s3);
  deps = { ...makeWorkerDeps(t.db, s3.env), storage: source };
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-backup-s3-"));
  filled = await fillInstance(deps);
}, 120_000);
afterAll(async () => {
  deps.cleanup();
  await s3.stop();
  await s3Target.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  await t.drop();
});

describe("backup and restore on S3 without bucket versioning", () => {
  it("finds the bucket unversioned, copies the objects, and restores them into an empty bucket", async () => {
    expect(await isBucketVersioned(source.client, source.bucket)).toBe(false);
    const dir = path.join(tmp, "backup");
    const { manifest } = await runBackup({ databaseUrl: t.url, storage: source, dir, log });
    expect(manifest.storage).toMatchObject({ driver: "s3", mode: "copy", bucket: s3.bucket });
    expect(manifest.objects.length).toBeGreaterThanOrEqual(7); // 3 uploads, 3 parts, 1 result
    expect(manifest.objects.every((o) => o.copied && o.versionId === undefined)).toBe(true);
    expect(manifest.unreferenced.map((o) => o.key)).toEqual([filled.orphanKey]);

    const target = await createEmptyDb();
    try {
      const storage = s3Storage(s3Target);
      await runRestore({ dir, databaseUrl: target.url, target: storage, migrate: migrateDeploy, log });
      const before = await fingerprint(t.url, t.db, source, [filled.orphanKey]);
      const after = await fingerprint(target.url, target.db(), storage);
      expect(after).toEqual(before);
      expect(Object.keys(after.objects).length).toBe(manifest.objects.length);
      await expect(
        runRestore({ dir, databaseUrl: target.url, target: storage, migrate: migrateDeploy, log }),
      ).rejects.toMatchObject({ code: "TARGET_NOT_EMPTY" });
    } finally {
      await target.drop();
    }
  });
});
