// Object storage that does not answer: an ingest attempt fails (so the job is
// retried with backoff), its last attempt fails the version with a message,
// never leaving it INGESTING; health says storage is down meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { checkHealth } from "@scrollintel/core/services/health-service";
import { S3Storage } from "@scrollintel/core/storage/s3-storage";
import { s3ClientConfig } from "@scrollintel/core/storage/s3-client-config";
import { freePort } from "../../../../scripts/free-port";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let downS3: S3Storage;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  // An S3 endpoint nobody listens on: every call is refused, as in an outage.
  const env = {
    DATA_DIR: deps.config.dataDir,
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    S3_ACCESS_KEY_ID: "k",
    S3_SECRET_ACCESS_KEY: "s",
  };
  downS3 = new S3Storage({ ...s3ClientConfig(parseConfig(env)), retryWaitMs: 300 });
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("ingest while storage is down", () => {
  it("fails the attempt for a retry, then fails the version cleanly on the last one", async () => {
    const up = await uploadFile(deps, ctxOf(user), "s.csv", "a,b\n1,2\n");
    const task = makeIngestTask({ ...deps, storage: downS3 });
    const read = () => t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });

    await expect(runTask(task, { datasetVersionId: up.versionId }, { attempts: 1, max_attempts: 3 })).rejects.toThrow();
    expect((await read()).status).toBe("INGESTING"); // graphile-worker runs it again with backoff

    await expect(runTask(task, { datasetVersionId: up.versionId }, { attempts: 3, max_attempts: 3 })).rejects.toThrow();
    const v = await read();
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^Ingest failed: /);
    expect((await t.db.job.findFirstOrThrow({ where: { targetId: v.id } })).status).toBe("FAILED");
  }, 60_000);

  it("health reports storage down (503 material) while the database is up", async () => {
    const down = await checkHealth(t.db, { storage: downS3 });
    expect(down).toMatchObject({ ok: false, db: "up", storage: "down" });
    const up = await checkHealth(t.db, { storage: deps.storage });
    expect(up).toMatchObject({ ok: true, db: "up", storage: "up" });
    expect(up.error).toBeUndefined();
  });
});
