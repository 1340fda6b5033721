// Unfinished S3 multipart uploads are not objects (no listing shows them) but
// their parts are billed: reconciliation aborts those no row names once they
// are older than the grace period, and never an upload still in progress.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateMultipartUploadCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { parseConfig } from "../config";
import { newId, tenantPrefix } from "../keys";
import { createLogger } from "../logger";
import { createUpload } from "../services/upload-service";
import { findUnfinishedUploads } from "../storage/s3-multipart";
import { S3Storage } from "../storage/s3-storage";
import { s3ClientConfig } from "../storage/s3-client-config";
import { runReconciliation } from "./run-reconciliation";

const HOUR = 3_600_000;
let t: TestDb;
let s3: TestS3;
let storage: S3Storage;
let user: TestUser;
let dir: string;

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-stale-"));
  storage = new S3Storage(s3ClientConfig(parseConfig({ DATA_DIR: dir, ...s3.env })));
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  await s3.stop();
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = (Key: string) => storage.client.send(new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key }));

async function unfinished(): Promise<string[]> {
  const keys: string[] = [];
  for await (const u of findUnfinishedUploads(storage, tenantPrefix(user.tenantId))) keys.push(u.key);
  return keys;
}

async function reconcile(now?: Date) {
  const log = createLogger({ name: "test", level: "silent" });
  const r = await runReconciliation({ db: t.db, storage, graceMs: HOUR, log, now });
  return r.tenants.find((f) => f.tenantId === user.tenantId)!;
}

describe("stale multipart uploads", () => {
  it("aborts those no row names past the grace period, never an upload in progress", async () => {
    const orphan = `${tenantPrefix(user.tenantId)}results/${newId()}.parquet`;
    await start(orphan);
    const live = await createUpload(t.db, ctxOf(user), { filename: "live.csv", sizeBytes: 10n });
    await start(live.storageKey);
    expect((await unfinished()).sort()).toEqual([orphan, live.storageKey].sort());

    expect((await reconcile()).uploadsAborted).toBe(0);
    expect(await unfinished()).toHaveLength(2);

    const f = await reconcile(new Date(Date.now() + 2 * HOUR));
    expect(f.uploadsAborted).toBe(1);
    expect(await unfinished()).toEqual([live.storageKey]);
    const [event] = await t.db.auditEvent.findMany({
      where: { tenantId: user.tenantId, action: "storage.orphans_removed" },
    });
    expect(event!.metadata).toMatchObject({ uploadsAborted: 1, count: 0 });
  });
});
